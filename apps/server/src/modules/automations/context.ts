import type { FastifyBaseLogger } from 'fastify';
import type { Connection, Types } from 'mongoose';
import type { AppDirectory } from '../forms/directory.js';
import type { RecordDoc } from '../records/model.js';
import type { LoadedForm } from '../records/plan.js';
import type { AutomationDoc, RunDoc } from './model.js';
import type { FormulaScope } from './scope.js';

/** Server settings automations need. */
export interface AutomationSettings {
  /** `SMTP_URL`: e-mails are sent when set, skipped and logged otherwise. */
  smtpUrl: string | undefined;
  /** How long a run stays in the log. */
  runTtlMs: number;
  /** Timeout of one webhook delivery. */
  webhookTimeoutMs: number;
}

/** Everything the actions of one run share. */
export interface RunContext {
  connection: Connection;
  ws: Types.ObjectId;
  automation: AutomationDoc;
  run: RunDoc;
  directory: AppDirectory;
  /** The trigger's form, when the trigger names one. */
  triggerForm: LoadedForm | undefined;
  /** The trigger record as it is now (deleted ones included), when there is one. */
  record: RecordDoc | null;
  /** The trigger record's data and system values (what `{ "$field": key }` operands read). */
  triggerValues: Readonly<Record<string, unknown>>;
  scope: FormulaScope;
  /** The chain of automations that led here, this one included (carried by every write the run makes). */
  chain: string[];
  now: Date;
  timeZone: string;
  settings: AutomationSettings;
  log: FastifyBaseLogger;
}
