import { performance } from 'node:perf_hooks';
import { type PipelineStage, Types } from 'mongoose';
import type { Server } from 'socket.io';
import type { AppInstance } from '../../app.js';
import type { FormAccess } from '../../lib/access/index.js';
import type { FieldDef } from '../forms/meta.js';
import { accessOf, type FormTarget, openForm, recordView, relatedAccess } from '../records/context.js';
import { type RecordDoc, recordModel } from '../records/model.js';
import { ALL_VISIBLE, relatedVisibility } from '../records/visibility.js';
import type { RecordChange, RecordChangeType } from './bus.js';
import type { Subscription, Subscriptions } from './subscriptions.js';

/** Changes arriving within this window are delivered together (one access check per group and batch). */
const BATCH_MS = 20;
/** Ids per visibility query. */
const CHUNK = 500;
/** Access groups per visibility query (one `$facet` branch each; keeps the answer far below 16 MB). */
const GROUPS_PER_QUERY = 50;

/** A change as it travels between instances (ids as hex strings). */
export interface WireChange {
  type: RecordChangeType;
  ws: string;
  form: string;
  id: string;
  v: number;
}

/** The wire form of a bus change. */
export function toWire(change: RecordChange): WireChange {
  return {
    type: change.type,
    ws: change.ws.toHexString(),
    form: change.form.toHexString(),
    id: change.id.toHexString(),
    v: change.v,
  };
}

/** Payload of `record:created` and `record:updated`. */
export interface RecordEventPayload {
  ws: string;
  form: string;
  record: ReturnType<typeof recordView>;
}

/** Payload of `record:deleted`. */
export interface RecordDeletedPayload {
  ws: string;
  form: string;
  id: string;
  v: number;
}

/** What delivering has cost so far on this instance (for operators and the benchmark). */
export interface DispatchStats {
  batches: number;
  /** Access groups served (summed over batches and forms). */
  groups: number;
  /** Visibility queries sent to the store (each covers up to 50 groups). */
  checks: number;
  /** Events emitted (one per group and record, whatever the group's size). */
  emits: number;
  /** Time spent delivering, in milliseconds. */
  ms: number;
}

/** Sockets that see exactly the same records and fields of one form: checked and served together. */
interface Group {
  /** The form as the group's first caller opened it (their access, their view of related forms). */
  target: FormTarget;
  filter: Record<string, unknown>;
  sockets: string[];
}

/**
 * A stable key for "what this caller sees of this form": the compiled view filter (ObjectIds and dates
 * tagged so they never collide with strings) and the hidden fields. Members with the same roles and an
 * `all` scope share one key whoever they are; `own` scopes differ per user, as they must.
 */
export function groupKey(
  filter: Record<string, unknown>,
  hidden: ReadonlySet<string>,
  related: ReadonlyArray<Record<string, unknown> | null> = [],
): string {
  const tag = (value: unknown) =>
    JSON.stringify(value, function (this: Record<string, unknown>, key, inner: unknown) {
      const raw = this[key];
      if (raw instanceof Types.ObjectId) return { $oid: raw.toHexString() };
      if (raw instanceof Date) return { $date: raw.toISOString() };
      return inner;
    });
  // Values shown record by record also depend on which related records the caller may view.
  return `${tag(filter)}|${[...hidden].sort().join(',')}|${tag(related)}`;
}

/** The view filters of the forms whose records decide what `access` shows record by record. */
function relatedFilters(target: FormTarget, access: FormAccess) {
  const forms = new Set<string>();
  for (const relations of access.perRecord.values()) {
    for (const relation of relations) {
      const [head, column] = relation.split('.');
      const field = target.form.definition.fields.find((f) => f.key === head);
      const def =
        column === undefined
          ? field
          : (field?.columns as FieldDef[] | undefined)?.find((c) => c.key === column);
      if (typeof def?.form === 'string') forms.add(def.form);
    }
  }
  return [...forms].sort().map((form) => relatedAccess(target, form)?.filter('view') ?? null);
}

/** The last change per record in a batch; a record created and changed within it is still news as `created`. */
function collapse(changes: readonly WireChange[]): WireChange[] {
  const last = new Map<string, WireChange>();
  for (const change of changes) {
    const before = last.get(change.id);
    const type = before?.type === 'created' && change.type === 'updated' ? 'created' : change.type;
    last.set(change.id, { ...change, type });
  }
  return [...last.values()];
}

/**
 * Delivers record changes to the local sockets allowed to see them. For each form in a batch the form
 * is loaded once, subscribers are grouped by their effective view filter and hidden fields, and each
 * group asks the store once which of the changed records (at exactly the announced version) its filter
 * matches: the scoped access layer decides, never a hand-written check.
 */
export class RecordDispatcher {
  private queue: WireChange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  /** Running totals; read them, do not change them. */
  readonly stats: DispatchStats = { batches: 0, groups: 0, checks: 0, emits: 0, ms: 0 };

  constructor(
    private readonly app: AppInstance,
    private readonly io: Server,
    private readonly subscriptions: Subscriptions,
  ) {}

  /** Queues a change for the next batch. */
  enqueue(change: WireChange): void {
    if (this.closed || !this.subscriptions.hasWorkspace(change.ws)) return;
    this.queue.push(change);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const batch = this.queue.splice(0);
      this.running = this.running
        .then(() => this.deliver(batch))
        .catch((error: unknown) => {
          this.app.log.warn({ err: error }, 'realtime delivery failed');
        });
    }, BATCH_MS);
  }

  /** Stops taking changes and waits for the batch in hand. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue = [];
    await this.running;
  }

  private async deliver(batch: WireChange[]): Promise<void> {
    const started = performance.now();
    try {
      await this.deliverBatch(batch);
    } finally {
      this.stats.batches += 1;
      this.stats.ms += performance.now() - started;
    }
  }

  private async deliverBatch(batch: WireChange[]): Promise<void> {
    const byWs = new Map<string, WireChange[]>();
    for (const change of batch) byWs.set(change.ws, [...(byWs.get(change.ws) ?? []), change]);
    for (const [ws, changes] of byWs) {
      if (this.closed) return;
      await this.subscriptions.revalidate(ws);
      const byForm = new Map<string, WireChange[]>();
      for (const change of collapse(changes))
        byForm.set(change.form, [...(byForm.get(change.form) ?? []), change]);
      for (const [form, formChanges] of byForm) await this.deliverForm(ws, form, formChanges);
    }
  }

  private async deliverForm(ws: string, form: string, changes: WireChange[]): Promise<void> {
    const listeners = this.subscriptions.listeners(ws, form);
    const first = listeners[0];
    if (!first) return;
    let target: FormTarget;
    try {
      target = await openForm(this.app.store.connection, first.caller, new Types.ObjectId(form));
    } catch {
      return; // The form is gone: nothing to tell.
    }
    const groups = this.groupsOf(target, listeners);
    if (groups.length === 0) return;
    const ids = changes.map((change) => new Types.ObjectId(change.id));
    const Records = recordModel(this.app.store.connection);
    const docs = new Map<string, RecordDoc>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const found = await Records.find({
        ws: target.caller.ws,
        form: target.form.id,
        _id: { $in: ids.slice(i, i + CHUNK) },
      }).lean<RecordDoc[]>();
      for (const doc of found) docs.set(doc._id.toHexString(), doc);
    }
    // A record already written again is announced by its newer change: this one's version is gone.
    const current = changes.filter((change) => docs.get(change.id)?.v === change.v);
    if (current.length === 0) return;
    const currentIds = current.map((change) => new Types.ObjectId(change.id));
    this.stats.groups += groups.length;
    const visible = await this.visibleTo(groups, target, currentIds);
    // Which related records each group may view, for the values shown record by record.
    const records = current.map((change) => docs.get(change.id)?.data ?? {});
    const visibility = await Promise.all(
      groups.map((group) => relatedVisibility(group.target, group.target.access, records)),
    );
    for (const [index, group] of groups.entries()) {
      const seen = visible[index] ?? new Set<string>();
      const room = this.io.local.to(group.sockets);
      for (const change of current) {
        const doc = docs.get(change.id);
        if (!doc || !seen.has(`${change.id}:${change.v}`)) continue;
        this.stats.emits += 1;
        if (change.type === 'deleted') {
          room.emit('record:deleted', {
            ws,
            form,
            id: change.id,
            v: change.v,
          } satisfies RecordDeletedPayload);
        } else {
          const record = recordView(group.target, doc, visibility[index] ?? ALL_VISIBLE);
          room.emit(`record:${change.type}`, { ws, form, record } satisfies RecordEventPayload);
        }
      }
    }
  }

  /**
   * For each group, the `id:v` of the changed records its view filter matches. Groups are asked together,
   * one `$facet` branch each, so a batch costs one round trip per chunk of groups instead of one per group;
   * each branch is the access layer's own filter, evaluated by the store.
   */
  private async visibleTo(
    groups: readonly Group[],
    target: FormTarget,
    ids: readonly Types.ObjectId[],
  ): Promise<Set<string>[]> {
    const visible = groups.map(() => new Set<string>());
    const Records = recordModel(this.app.store.connection);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      for (let g = 0; g < groups.length; g += GROUPS_PER_QUERY) {
        const facets: Record<string, PipelineStage.FacetPipelineStage[]> = {};
        for (const [offset, group] of groups.slice(g, g + GROUPS_PER_QUERY).entries()) {
          const filter = group.target.access.filter('view', { _id: { $in: chunk } });
          if (filter) facets[`g${g + offset}`] = [{ $match: filter }, { $project: { _id: 1, v: 1 } }];
        }
        if (Object.keys(facets).length === 0) continue;
        this.stats.checks += 1;
        const [result] = await Records.aggregate<Record<string, Pick<RecordDoc, '_id' | 'v'>[]>>([
          { $match: { ws: target.caller.ws, form: target.form.id, _id: { $in: chunk } } },
          { $facet: facets },
        ]);
        for (const [key, docs] of Object.entries(result ?? {})) {
          const set = visible[Number(key.slice(1))];
          for (const doc of docs) set?.add(`${doc._id.toHexString()}:${doc.v}`);
        }
      }
    }
    return visible;
  }

  private groupsOf(target: FormTarget, listeners: readonly Subscription[]): Group[] {
    const groups = new Map<string, Group>();
    for (const listener of listeners) {
      const access = accessOf(target, listener.caller);
      const mine: FormTarget = { ...target, caller: listener.caller, access };
      let filter: Record<string, unknown> | null;
      let key: string;
      try {
        filter = access.filter('view');
        if (!filter) continue;
        key = groupKey(filter, access.hidden, relatedFilters(mine, access));
      } catch {
        continue; // A custom scope that does not compile reaches nothing (the HTTP API answers 400).
      }
      const group = groups.get(key);
      if (group) group.sockets.push(listener.socketId);
      else groups.set(key, { target: mine, filter, sockets: [listener.socketId] });
    }
    return [...groups.values()];
  }
}
