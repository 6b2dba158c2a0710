import type { Automation } from '@formloom/schema';
import { type Connection, type Model, Schema, type Types } from 'mongoose';
import type { Message } from '../../lib/messages/index.js';
import { invalidateOnWrite } from '../../lib/read-cache.js';

/** An automation of an app (ARCHITECTURE.md: `automations`): its definition and whether it runs. */
export interface AutomationDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  app: Types.ObjectId;
  key: string;
  /** The definition as the pack format has it (its `enabled` is kept in {@link enabled}). */
  definition: Automation;
  enabled: boolean;
  /** Raised by one on every change; an update names the version it edited. */
  v: number;
  createdBy: Types.ObjectId;
  updatedBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
  /** Set by pack imports, so an undone import removes its automations. */
  importId?: Types.ObjectId;
}

const automationSchema = new Schema<AutomationDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    app: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    definition: { type: Schema.Types.Mixed, required: true },
    enabled: { type: Boolean, required: true },
    v: { type: Number, required: true },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    updatedBy: { type: Schema.Types.ObjectId, required: true },
    importId: { type: Schema.Types.ObjectId },
  },
  { collection: 'automations', timestamps: true, minimize: false, versionKey: false },
);
automationSchema.index({ ws: 1, app: 1, key: 1 }, { unique: true });
// Record writes match triggers from a cached list (triggers.ts); any write here drops it.
invalidateOnWrite(automationSchema, 'definitions');

/** The `automations` model on a connection. */
export function automationModel(connection: Connection): Model<AutomationDoc> {
  return (
    (connection.models.Automation as Model<AutomationDoc> | undefined) ??
    connection.model<AutomationDoc>('Automation', automationSchema)
  );
}

/** What one action did: records it wrote, people it told, the answer of a webhook. */
export interface Effect {
  kind:
    | 'recordCreated'
    | 'recordUpdated'
    | 'recordDeleted'
    | 'notified'
    | 'emailed'
    | 'emailSkipped'
    | 'webhook'
    | 'flowStarted'
    | 'recordsRecomputed';
  form?: string;
  record?: string;
  /** Users notified, status code of a webhook, ... */
  detail?: Record<string, unknown>;
}

/** The outcome of one action of a run. */
export interface ActionResult {
  index: number;
  type: string;
  /** `skipped`: its `when` formula did not hold (decided once, like the run's conditions). */
  status: 'done' | 'skipped' | 'failed';
  effects: Effect[];
  error?: { code: string; message: string };
  durationMs: number;
}

/** Where a run stands: `retrying` failed and is due again; `failed` is out of attempts (dead letter). */
export type RunStatus = 'running' | 'succeeded' | 'retrying' | 'failed' | 'skipped';

/** What started a run. */
export interface RunTrigger {
  type: string;
  form?: string;
  record?: string;
  /** The record's version the trigger saw. */
  v?: number;
  /** How the triggering write came about: `api`, `import`, `bulk`, `automation`; `manual`, `schedule`. */
  via: string;
  /** The scheduled occurrence (cron) this run is for. */
  occurrence?: string;
  /** Automations whose writes led here, outermost first (the loop guard reads it). */
  chain: string[];
  /** For flowEnded: the flow and how it ended. */
  flow?: string;
  outcome?: string;
}

/** Why a run failed: English `message` for logs, and for the server's own refusals `text` to word it per reader. */
export interface RunError {
  code: string;
  message: string;
  text?: Message;
}

/** One run of an automation (the run log): unique per automation and trigger event. */
export interface RunDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  automation: Types.ObjectId;
  /** `<automation>:<event>`: the idempotency key every effect of the run derives from. */
  key: string;
  trigger: RunTrigger;
  input?: Record<string, unknown>;
  status: RunStatus;
  /** Why it was skipped (conditions not met, loop guard, disabled...). */
  reason?: string;
  attempts: number;
  actions: ActionResult[];
  error?: RunError;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** The run leaves the log after this (AUTOMATION_RUN_TTL_DAYS after it ended). */
  expiresAt: Date;
}

const runSchema = new Schema<RunDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    automation: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    trigger: { type: Schema.Types.Mixed, required: true },
    input: { type: Schema.Types.Mixed },
    status: { type: String, required: true },
    reason: { type: String },
    attempts: { type: Number, required: true },
    actions: { type: Schema.Types.Mixed, default: () => [] },
    error: { type: Schema.Types.Mixed },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    durationMs: { type: Number, default: null },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'automation_runs', minimize: false, versionKey: false },
);
runSchema.index({ ws: 1, key: 1 }, { unique: true });
runSchema.index({ ws: 1, automation: 1, _id: -1 });
runSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

/** The `automation_runs` model on a connection. */
export function runModel(connection: Connection): Model<RunDoc> {
  return (
    (connection.models.AutomationRun as Model<RunDoc> | undefined) ??
    connection.model<RunDoc>('AutomationRun', runSchema)
  );
}
