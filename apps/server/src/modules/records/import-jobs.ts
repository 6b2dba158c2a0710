import type { FastifyBaseLogger } from 'fastify';
import { type Connection, type Model, Schema, Types } from 'mongoose';
import { type ErrorDetail, isAppError, notFound, renderDetails, type Text } from '../../lib/errors.js';
import { type Locale, render } from '../../lib/messages/index.js';
import { type Caller, isAdmin } from '../apps/caller.js';
import { publishImportProgress } from '../realtime/bus.js';
import type { FormTarget } from './context.js';
import {
  type ImportProgress,
  type ImportReport,
  type ImportRequest,
  importRecords,
  planImport,
  renderRowErrors,
} from './import.js';
import type { UndoEntry } from './import-undo.js';
import { storeWrites } from './import-writes.js';

/** Files larger than this are always imported as a background job. */
export const ASYNC_IMPORT_BYTES = 512 * 1024;
/** Progress is stored and sent at most this often (and at every phase change and at the end). */
export const PROGRESS_INTERVAL_MS = 250;
/** A running job whose progress has not moved for this long lost its server. */
const STALE_MS = 60_000;
/** Bad rows kept with a job (the count is always exact). */
const MAX_STORED_ERRORS = 1_000;

/** A background import (`import_jobs`): its progress, and its report once finished. */
export interface ImportJobDoc {
  _id: Types.ObjectId;
  ws: Types.ObjectId;
  form: Types.ObjectId;
  /** The starter (a user, or an API token acting as its own id). */
  user: Types.ObjectId;
  status: 'running' | 'done' | 'failed';
  dryRun: boolean;
  mode: 'allOrNothing' | 'skip';
  phase: ImportProgress['phase'];
  total: number;
  done: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  errors: ImportReport['errors'];
  /** Why the job failed, as text rendered when read (stored as plain data). */
  error: { code: string; text: Text; details?: ErrorDetail[] } | null;
  /** The language of the request that started the job, for the progress events its sockets get. */
  locale: Locale;
  /** The import wrote records and kept how to take them back (`POST .../imports/:job/undo`). */
  undoable?: boolean;
  /** Set while an undo runs, so two cannot run at once. */
  undoing?: boolean;
  /** When the import was undone, and how many of its writes could not be (changed by others since). */
  undoneAt?: Date | null;
  undoFailures?: number;
  createdAt: Date;
  /** Last progress; doubles as the heartbeat of the server running the job. */
  updatedAt: Date;
  finishedAt: Date | null;
}

const jobSchema = new Schema<ImportJobDoc>(
  {
    ws: { type: Schema.Types.ObjectId, required: true },
    form: { type: Schema.Types.ObjectId, required: true },
    user: { type: Schema.Types.ObjectId, required: true },
    status: { type: String, required: true },
    dryRun: { type: Boolean, required: true },
    mode: { type: String, required: true },
    phase: { type: String, required: true },
    total: Number,
    done: Number,
    created: Number,
    updated: Number,
    skipped: Number,
    errorCount: Number,
    errors: { type: Schema.Types.Mixed, default: () => [] },
    error: { type: Schema.Types.Mixed, default: null },
    locale: { type: String, default: 'en' },
    undoable: Boolean,
    undoing: Boolean,
    undoneAt: Date,
    undoFailures: Number,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
  },
  // `errors` is a reserved path name in mongoose; this collection's documents are plain data.
  { collection: 'import_jobs', versionKey: false, minimize: false, suppressReservedKeysWarning: true },
);
jobSchema.index({ ws: 1, user: 1, createdAt: -1 });
/** How long a finished import's report stays readable (`GET .../imports/:job` answers 404 after). */
export const IMPORT_REPORT_DAYS = 7;
// Finished reports are removed by the store's TTL sweep; running jobs (finishedAt null) never expire.
jobSchema.index({ finishedAt: 1 }, { expireAfterSeconds: IMPORT_REPORT_DAYS * 24 * 3600 });

/** The `import_jobs` model on a connection. */
export function importJobModel(connection: Connection): Model<ImportJobDoc> {
  return (
    (connection.models.ImportJob as Model<ImportJobDoc> | undefined) ??
    connection.model<ImportJobDoc>('ImportJob', jobSchema)
  );
}

/** A job as `GET /workspaces/:ws/imports/:job` answers it; `import:progress` carries it without `errors`. */
export interface ImportJobView {
  jobId: string;
  form: string;
  status: ImportJobDoc['status'];
  dryRun: boolean;
  mode: ImportJobDoc['mode'];
  phase: ImportJobDoc['phase'];
  total: number;
  done: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  /** Bad rows (the first 1,000), as a synchronous import reports them. */
  errors?: ReturnType<typeof renderRowErrors>;
  error: { code: string; message: string; details?: ReturnType<typeof renderDetails> } | null;
  /** The import can be taken back (it wrote records and was not undone yet). */
  undoable: boolean;
  /** When it was undone, with the writes that could not be (others had changed those records). */
  undone: { at: string; kept: number } | null;
  createdAt: string;
  finishedAt: string | null;
}

function viewOf(doc: ImportJobDoc, withErrors: boolean, locale: Locale): ImportJobView {
  const stale = doc.status === 'running' && Date.now() - doc.updatedAt.getTime() > STALE_MS;
  const error: ImportJobDoc['error'] = stale
    ? { code: 'STORE_UNAVAILABLE', text: 'import.interrupted' }
    : doc.error;
  return {
    jobId: doc._id.toHexString(),
    form: doc.form.toHexString(),
    status: stale ? 'failed' : doc.status,
    dryRun: doc.dryRun,
    mode: doc.mode,
    phase: doc.phase,
    total: doc.total,
    done: doc.done,
    created: doc.created,
    updated: doc.updated,
    skipped: doc.skipped,
    errorCount: doc.errorCount,
    ...(withErrors ? { errors: renderRowErrors(doc.errors, locale) } : {}),
    error: error && {
      code: error.code,
      message: render(error.text, locale),
      ...(error.details ? { details: renderDetails(error.details, locale) } : {}),
    },
    undoable: doc.undoable === true && !doc.undoing,
    undone: doc.undoneAt ? { at: doc.undoneAt.toISOString(), kept: doc.undoFailures ?? 0 } : null,
    createdAt: doc.createdAt.toISOString(),
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
  };
}

/** One job, for its starter or a workspace owner/admin; 404 for anyone else and for other workspaces. */
export async function getImportJob(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
  locale: Locale,
) {
  const doc = await importJobModel(connection).findOne({ _id: id, ws: caller.ws }).lean<ImportJobDoc>();
  if (!doc || (!doc.user.equals(caller.userId) && !isAdmin(caller))) {
    throw notFound('Import');
  }
  return viewOf(doc, true, locale);
}

/** Imports running on this server; stopping them on shutdown undoes all-or-nothing ones. */
export class ImportJobs {
  private readonly running = new Set<{ abort: AbortController; done: Promise<void> }>();

  constructor(
    private readonly connection: Connection,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** True when the request asks for (or its size demands) a background job. */
  static wanted(request: ImportRequest): boolean {
    return request.async === true || request.content.length > ASYNC_IMPORT_BYTES;
  }

  /** Stores the job and starts it in the background; answers its id at once. */
  async start(target: FormTarget, request: ImportRequest, locale: Locale): Promise<{ jobId: string }> {
    // The cheap refusals answer the request itself, as a synchronous import would.
    planImport(target, request);
    const now = new Date();
    const doc: ImportJobDoc = {
      _id: new Types.ObjectId(),
      ws: target.caller.ws,
      form: target.form.id,
      user: target.caller.userId,
      status: 'running',
      dryRun: request.dryRun === true,
      mode: request.mode ?? 'allOrNothing',
      phase: 'validating',
      total: 0,
      done: 0,
      created: 0,
      updated: 0,
      skipped: 0,
      errorCount: 0,
      errors: [],
      error: null,
      locale,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    await importJobModel(this.connection).collection.insertOne(doc);
    const abort = new AbortController();
    const entry = { abort, done: Promise.resolve() };
    entry.done = this.run(target, request, doc, abort.signal).finally(() => this.running.delete(entry));
    this.running.add(entry);
    return { jobId: doc._id.toHexString() };
  }

  /** Stops every running import between rows and waits until each has recorded how it ended. */
  async close(): Promise<void> {
    for (const entry of this.running) entry.abort.abort();
    await Promise.allSettled([...this.running].map((entry) => entry.done));
  }

  private async run(target: FormTarget, request: ImportRequest, doc: ImportJobDoc, signal: AbortSignal) {
    const Jobs = importJobModel(this.connection);
    let chain: Promise<unknown> = Promise.resolve();
    let last = 0;
    let timer: NodeJS.Timeout | undefined;
    let pending: ImportProgress | undefined;
    const send = (state: ImportJobDoc) =>
      publishImportProgress(this.connection, {
        ws: state.ws.toHexString(),
        user: state.user.toHexString(),
        payload: viewOf(state, false, state.locale),
      });
    // Writes and events go out in order, one at a time; the event follows the stored state it reports.
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      const progress = pending;
      pending = undefined;
      if (!progress) return;
      last = Date.now();
      const { errors, ...counts } = progress;
      Object.assign(doc, counts, { errorCount: errors, updatedAt: new Date() });
      const snapshot = { ...doc };
      const { phase, total, done, created, updated, skipped, errorCount, updatedAt } = snapshot;
      chain = chain
        .then(() =>
          Jobs.updateOne(
            { _id: doc._id },
            { $set: { phase, total, done, created, updated, skipped, errorCount, updatedAt } },
          ),
        )
        .then(() => send(snapshot))
        .catch((error: unknown) => this.log.warn({ err: error }, 'import progress not stored'));
    };
    const onProgress = (progress: ImportProgress) => {
      const phaseChanged = progress.phase !== (pending ?? doc).phase;
      pending = progress;
      const wait = PROGRESS_INTERVAL_MS - (Date.now() - last);
      if (phaseChanged || wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    };

    let report: ImportReport | undefined;
    let failure: ImportJobDoc['error'] = null;
    const written: UndoEntry[] = [];
    try {
      report = await importRecords(target, request, { onProgress, signal, written });
    } catch (error) {
      if (!isAppError(error)) this.log.error({ err: error, job: doc._id.toHexString() }, 'import job failed');
      failure = isAppError(error)
        ? { code: error.code, text: error.text, ...(error.details ? { details: error.details } : {}) }
        : { code: 'STORE_UNAVAILABLE', text: 'import.storeFailedJob' };
    }
    flush();
    await chain;
    const now = new Date();
    const final: Partial<ImportJobDoc> = {
      status: failure ? 'failed' : 'done',
      error: failure,
      updatedAt: now,
      finishedAt: now,
      ...(report
        ? {
            total: report.total,
            done: report.total,
            created: report.created,
            updated: report.updated,
            skipped: report.skipped,
            errorCount: report.errors.length,
            errors: report.errors.slice(0, MAX_STORED_ERRORS),
          }
        : // A failed all-or-nothing import was undone: it wrote nothing.
          doc.mode === 'allOrNothing'
          ? { created: 0, updated: 0 }
          : {}),
    };
    // A finished import that wrote records keeps how to take them back, for the starter's undo.
    if (report && !report.dryRun && written.length > 0) {
      try {
        await storeWrites(this.connection, doc, written);
        final.undoable = true;
      } catch (error) {
        this.log.warn({ err: error, job: doc._id.toHexString() }, 'import writes not stored: no undo');
      }
    }
    Object.assign(doc, final);
    try {
      await Jobs.updateOne({ _id: doc._id }, { $set: final });
    } catch (error) {
      this.log.error({ err: error, job: doc._id.toHexString() }, 'import job result not stored');
    }
    send(doc);
  }
}
