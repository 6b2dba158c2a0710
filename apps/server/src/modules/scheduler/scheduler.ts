import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Connection, Types } from 'mongoose';
import { now } from './clock.js';
import { claimJob, completeJob, failJob } from './jobs.js';
import type { JobDoc } from './model.js';

/** A job as its handler sees it. */
export interface JobRun<P = unknown> {
  id: Types.ObjectId;
  ws: Types.ObjectId;
  type: string;
  key: string | null;
  payload: P;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
  maxAttempts: number;
  runAt: Date;
  /** The time on the connection's clock when the run started. */
  now: Date;
}

/**
 * Runs one job. Throwing schedules a retry with backoff; {@link PermanentJobError} dead-letters the job at
 * once. A job whose instance dies mid-run runs again once its lease expires, so handlers must be idempotent
 * (version-guarded writes, idempotency keys): the scheduler guarantees that no two instances run a job at
 * once and that a finished job never runs again.
 */
export type JobHandler<P = unknown> = (run: JobRun<P>) => Promise<void>;

/** Options of a handler. */
export interface HandlerOptions {
  /** How long a run may take before another instance may take the job over (default 60 s). */
  leaseMs?: number;
  /** Delay before retry `attempt` (1-based); default 1 s doubling, at most 1 h. */
  backoffMs?: (attempt: number) => number;
}

/** A failure that retrying cannot fix (bad payload, the thing it acts on is gone): dead-letter the job. */
export class PermanentJobError extends Error {}

interface Registered {
  handler: JobHandler;
  leaseMs: number;
  backoffMs: (attempt: number) => number;
}

/** What {@link Scheduler.runDue} did. */
export interface RunSummary {
  ran: number;
  failed: number;
}

const DEFAULT_LEASE_MS = 60_000;
const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 3_600_000);

/**
 * The durable job scheduler of one server instance. Jobs live in MongoDB (`jobs`), so they survive
 * restarts; leases keep each job on one instance of many. Modules register a handler per job type while
 * the app is built; the poller starts when the app is ready.
 */
export class Scheduler {
  private readonly handlers = new Map<string, Registered>();
  private readonly owner = randomUUID();
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private lanes: Promise<void>[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Registers the handler of a job type; a type has one handler. */
  register<P>(type: string, handler: JobHandler<P>, options: HandlerOptions = {}): void {
    if (this.handlers.has(type)) throw new Error(`A handler for job type "${type}" is already registered`);
    this.handlers.set(type, {
      handler: handler as JobHandler,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      backoffMs: options.backoffMs ?? defaultBackoff,
    });
  }

  /** The job types this instance runs. */
  types(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Claims and runs one due job. Answers what happened, or null when nothing was due. The lease is the
   * longest of the registered handlers' (the type is only known once the job is claimed).
   */
  async runOne(): Promise<'done' | 'retry' | 'failed' | null> {
    const types = this.types();
    if (types.length === 0) return null;
    const leaseMs = Math.max(...[...this.handlers.values()].map((h) => h.leaseMs));
    const job = await claimJob(this.connection, types, this.owner, leaseMs);
    if (!job) return null;
    return this.run(job);
  }

  private async run(job: JobDoc): Promise<'done' | 'retry' | 'failed'> {
    const registered = this.handlers.get(job.type);
    if (!registered) return failJob(this.connection, job, `no handler for ${job.type}`, 0, true);
    try {
      await registered.handler({
        id: job._id,
        ws: job.ws,
        type: job.type,
        key: job.key ?? null,
        payload: JSON.parse(job.payload) as unknown,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        runAt: job.runAt,
        now: now(this.connection),
      });
      await completeJob(this.connection, job);
      return 'done';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const outcome = await failJob(
        this.connection,
        job,
        message,
        registered.backoffMs(job.attempts),
        error instanceof PermanentJobError,
      );
      this.log.warn({ err: error, job: job._id.toHexString(), type: job.type, outcome }, 'job failed');
      return outcome;
    }
  }

  /**
   * Runs every job that is due now on the connection's clock until none is left (tests move the clock and
   * call this; shutdown may too). Retries are due later, so this ends. One lane runs them one after
   * another in due order; more lanes run that many at once (bulk seeding), each job still claimed once.
   */
  async runDue(lanes = 1): Promise<RunSummary> {
    const summary: RunSummary = { ran: 0, failed: 0 };
    const lane = async () => {
      for (;;) {
        const outcome = await this.runOne();
        if (outcome === null) return;
        summary.ran += 1;
        if (outcome !== 'done') summary.failed += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
    return summary;
  }

  /** Starts polling every `intervalMs` with `concurrency` lanes (a slow webhook does not hold deadlines). */
  start(intervalMs = 200, concurrency = 2): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.lanes = Array.from({ length: concurrency }, () => this.drain());
      void Promise.all(this.lanes).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.runOne()) !== null) {
        // next
      }
    } catch (error) {
      // The store may be briefly unavailable; the next tick tries again.
      if (!this.stopped) this.log.warn({ err: error }, 'job poll failed');
    }
  }

  /** Stops polling and waits for the jobs in hand. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.lanes);
  }
}
