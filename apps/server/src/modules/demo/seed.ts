import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import type { Caller } from '../apps/caller.js';
import { type BatchAnswer, batchWrite } from '../records/batch.js';
import { openForm } from '../records/context.js';
import { checkPlan, type DemoPlan, type DemoRecord, type DemoStep } from './plan.js';

/** Records one batch call carries (the batch route's limit). */
const BATCH = 1000;
/** Members writing their batches at the same time. */
const LANES = 4;
/**
 * Flows started at the same time: each start is a few small writes, and starts waiting together share the
 * store's journal flushes (group commit) instead of one flush after another.
 */
const FLOW_LANES = 16;
/** Least time between two progress lines of one step. */
const PROGRESS_MS = 5000;
/** Ids one `in` filter names (the list route's filter text is bounded). */
const FIND_CHUNK = 400;

/** Who the seeder acts as: a bearer token of the workspace. */
interface Actor {
  token: string;
  userId: string;
}

/** What seeding did. */
export interface SeedReport {
  appId: string;
  forms: Record<string, string>;
  /** Records written per form by the plan's steps (not counting what automations wrote). */
  written: Record<string, number>;
  members: Array<{ ref: string; email: string; userId: string }>;
  ms: number;
}

/** Options of {@link seedDemo}. */
export interface SeedOptions {
  /** The catalogue key of the template to import. */
  template: string;
  plan: DemoPlan;
  /** The workspace and a session of its owner (who imports the app and creates the members). */
  ws: string;
  owner: Actor;
  /** Runs the background jobs that are due (automation runs, recomputes) until none is left. */
  drain: () => Promise<void>;
  /**
   * The app the template was already imported as (a gallery import with demo data): the seeder writes
   * into it instead of importing the template, and reuses the workspace's departments the plan names (by
   * name under the same parent).
   */
  into?: { appId: string; forms: Record<string, string>; automations?: Record<string, string> };
  onProgress?: (message: string) => void;
}

class SeedError extends Error {}

/** Runs `work` over the items with at most `lanes` at once. */
async function lanes<T>(items: readonly T[], count: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(count, items.length) }, lane));
}

/**
 * Seeds a workspace from a demo plan through the public HTTP API, in process (`app.inject`): imports the
 * template, creates the departments and members, signs each member in, then runs the steps in order —
 * each member's records in batches of up to {@link BATCH} through `POST .../records/batch` as that member,
 * so checks, formulas, rollups, automations and flows run as they do in real use. Background jobs are
 * drained between steps, so a step can find what the automations of earlier steps wrote (`$find`).
 */
export async function seedDemo(app: AppInstance, options: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const plan = checkPlan(options.plan);
  const { ws } = options;
  const progress = options.onProgress ?? (() => {});
  const call = async (actor: Actor, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${actor.token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    if (res.statusCode >= 400)
      throw new SeedError(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 500)}`);
    return res.json() as Record<string, unknown>;
  };

  const importTemplate = async () => {
    progress(`importing template ${options.template}`);
    return (await call(options.owner, 'POST', `/workspaces/${ws}/apps/import`, {
      template: options.template,
    })) as { appId: string; forms: Record<string, string>; automations?: Record<string, string> };
  };
  const imported = options.into ?? (await importTemplate());
  // The departments the workspace already has (a gallery import into a workspace in use).
  const existingDepartments = new Map<string, string>();
  if (options.into) {
    type Node = { id: string; name: string; children?: Node[] };
    const walk = (nodes: Node[], parent: string) => {
      for (const n of nodes) {
        existingDepartments.set(`${parent}\u0000${n.name}`, n.id);
        walk(n.children ?? [], n.id);
      }
    };
    walk((await call(options.owner, 'GET', `/workspaces/${ws}/departments`)) as unknown as Node[], '');
  }

  const departments = new Map<string, string>();
  for (const d of plan.departments) {
    const parent = d.parent ? departments.get(d.parent) : undefined;
    const found = existingDepartments.get(`${parent ?? ''}\u0000${d.name}`);
    const made = found
      ? { id: found }
      : await call(options.owner, 'POST', `/workspaces/${ws}/departments`, {
          name: d.name,
          ...(parent ? { parent } : {}),
        });
    departments.set(d.ref, String(made.id));
  }
  progress(`${plan.departments.length} departments; adding ${plan.members.length} members`);
  const users = new Map<string, string>();
  const actors = new Map<string, Actor>();
  // Everyone added is invited (docs/permissions.md): each demo account, made with the plan's password,
  // accepts its invitation with the token — which signs it in — before the next one may name it as manager.
  for (const m of plan.members) {
    const department = m.department ? departments.get(m.department) : undefined;
    const manager = m.manager ? users.get(m.manager) : undefined;
    const invited = (await call(options.owner, 'POST', `/workspaces/${ws}/members`, {
      email: m.email,
      name: m.name,
      password: plan.password,
      roles: m.roles,
      ...(department ? { department } : {}),
      ...(manager ? { manager } : {}),
    })) as { token: string };
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invited.token, name: m.name, password: plan.password },
    });
    if (res.statusCode !== 201) throw new SeedError(`joining of ${m.email}: ${res.statusCode} ${res.body}`);
    const joined = res.json() as { userId: string; token: string };
    users.set(m.ref, joined.userId);
    actors.set(m.ref, { token: joined.token, userId: joined.userId });
  }
  const actorOf = (ref: string | undefined): Actor => (ref ? (actors.get(ref) as Actor) : options.owner);

  // A build without the flow runtime seeds the same records, with no approvals waiting.
  const flowsAvailable = app.hasRoute({
    method: 'POST',
    url: '/api/v1/workspaces/:ws/forms/:form/records/:id/flow/actions',
  });
  const records = new Map<string, string>();
  const found = new Map<string, string>();
  const written: Record<string, number> = {};
  const findKey = (form: string, field: string, record: string) => `${form}\u0000${field}\u0000${record}`;

  const resolve = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => resolve(v, `${path}/${i}`));
    if (!value || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    const named = (map: Map<string, string>, ref: unknown, what: string) => {
      const id = map.get(String(ref));
      if (id === undefined) throw new SeedError(`${path}: no ${what} "${String(ref)}"`);
      return id;
    };
    if ('$member' in o) return named(users, o.$member, 'member');
    if ('$department' in o) return named(departments, o.$department, 'department');
    if ('$record' in o) return named(records, o.$record, 'record');
    if ('$find' in o) {
      const f = o.$find as { form: string; field: string; record: string };
      return found.get(findKey(f.form, f.field, f.record)) ?? null;
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, `${path}/${k}`)]));
  };

  /** Looks up, as the owner, the records automations wrote that a step's `$find` values name. */
  const findAll = async (step: Extract<DemoStep, { kind: 'records' }>) => {
    const wanted = new Map<string, { form: string; field: string; ids: Set<string> }>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') {
        const o = value as Record<string, unknown>;
        if ('$find' in o) {
          const f = o.$find as { form: string; field: string; record: string };
          const id = records.get(f.record);
          if (id === undefined) return;
          const key = `${f.form}\u0000${f.field}`;
          const group = wanted.get(key) ?? { form: f.form, field: f.field, ids: new Set<string>() };
          group.ids.add(id);
          wanted.set(key, group);
        } else Object.values(o).forEach(visit);
      }
    };
    for (const r of step.records) visit(r.data);
    const refOfId = new Map([...records].map(([ref, id]) => [id, ref]));
    for (const { form, field, ids } of wanted.values()) {
      const formId = imported.forms[form];
      if (!formId) throw new SeedError(`$find: no form "${form}"`);
      const all = [...ids];
      for (let i = 0; i < all.length; i += FIND_CHUNK) {
        const filter = JSON.stringify({ field, op: 'in', value: all.slice(i, i + FIND_CHUNK) });
        let cursor: string | undefined;
        do {
          const query = `limit=200&fields=${field}&filter=${encodeURIComponent(filter)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const page = (await call(
            options.owner,
            'GET',
            `/workspaces/${ws}/forms/${formId}/records?${query}`,
          )) as {
            items: Array<{ id: string; data: Record<string, unknown> }>;
            nextCursor?: string | null;
          };
          for (const item of page.items) {
            const named = item.data[field];
            const ref = refOfId.get(String(Array.isArray(named) ? named[0] : named));
            if (ref !== undefined) found.set(findKey(form, field, ref), item.id);
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
    }
  };

  /**
   * Writes records on behalf of a member: the workspace owner writes them through the engine's batch write
   * with the member as their owner (and the member's department), as an automation or an import writes a
   * record for someone — checks, formulas, rollups, history and the write hooks run as for any write.
   */
  const ownerCaller: Caller = {
    ws: new Types.ObjectId(ws),
    userId: new Types.ObjectId(options.owner.userId),
    roles: ['owner'],
    timeZone: 'UTC',
  };
  const departmentOf = new Map(plan.members.map((m) => [m.ref, m.department]));
  const writeOnBehalf = async (
    formId: string,
    member: string,
    body: { records: Array<{ data: unknown }> },
    bulk: boolean,
  ): Promise<BatchAnswer> => {
    const user = users.get(member);
    if (user === undefined) throw new SeedError(`no member "${member}" to write for`);
    const dept = departments.get(departmentOf.get(member) ?? '');
    const target = await openForm(app.store.connection, ownerCaller, new Types.ObjectId(formId));
    return batchWrite(
      {
        ...target,
        origin: {
          via: bulk ? 'bulk' : 'api',
          owner: { user: new Types.ObjectId(user), dept: dept ? new Types.ObjectId(dept) : null },
        },
      },
      body,
    );
  };

  const writeRecords = async (step: Extract<DemoStep, { kind: 'records' }>) => {
    const formId = imported.forms[step.form];
    if (!formId) throw new SeedError(`a step writes to "${step.form}", which the template does not have`);
    await findAll(step);
    // Chunks of one writer: a member writing as themselves (`as`), or the owner on behalf of one (`owner`).
    const byWriter = new Map<string, { as?: string; owner?: string; records: DemoRecord[] }>();
    for (const r of step.records) {
      const key = r.owner !== undefined ? `owner\u0000${r.owner}` : `as\u0000${r.as ?? ''}`;
      const group = byWriter.get(key);
      if (group) group.records.push(r);
      else
        byWriter.set(key, {
          ...(r.owner !== undefined ? { owner: r.owner } : {}),
          ...(r.as !== undefined ? { as: r.as } : {}),
          records: [r],
        });
    }
    const chunks: Array<{ as?: string; owner?: string; records: DemoRecord[] }> = [];
    for (const group of byWriter.values()) {
      for (let i = 0; i < group.records.length; i += BATCH)
        chunks.push({ ...group, records: group.records.slice(i, i + BATCH) });
    }
    const began = Date.now();
    let shown = began;
    let done = 0;
    await lanes(chunks, LANES, async ({ as, owner, records: chunk }) => {
      const body = {
        records: chunk.map((r, i) => ({ data: resolve(r.data, `/${step.form}/${r.ref ?? i}`) })),
      };
      const answer =
        owner === undefined
          ? ((await call(
              actorOf(as),
              'POST',
              `/workspaces/${ws}/forms/${formId}/records/batch${step.bulk ? '?bulk=true' : ''}`,
              body,
            )) as unknown as BatchAnswer)
          : await writeOnBehalf(formId, owner, body, step.bulk === true);
      const failedOne = answer.results.find((r) => !r.ok);
      if (failedOne) {
        throw new SeedError(
          `${step.form} record ${chunk[failedOne.index]?.ref ?? failedOne.index}: ${JSON.stringify(
            'error' in failedOne ? failedOne.error : failedOne,
          )}`,
        );
      }
      for (const r of answer.results) {
        const ref = chunk[r.index]?.ref;
        if (ref !== undefined && r.ok) records.set(ref, r.record.id);
      }
      if (step.startFlows && flowsAvailable) {
        await lanes(answer.results, FLOW_LANES, async (r) => {
          if (!r.ok) return;
          const url = `/workspaces/${ws}/forms/${formId}/records/${r.record.id}/flow/actions`;
          await call(actorOf(as), 'POST', url, { action: 'start' });
        });
      }
      done += chunk.length;
      if (Date.now() - shown >= PROGRESS_MS && done < step.records.length) {
        shown = Date.now();
        const rate = Math.round(done / Math.max(0.001, (shown - began) / 1000));
        progress(`  ${step.label ?? step.form}: ${done} of ${step.records.length} (${rate} records/s)`);
      }
    });
    written[step.form] = (written[step.form] ?? 0) + step.records.length;
  };

  /** Changes records written before, each at the version it has now (automations may have moved it). */
  const updateRecords = async (step: Extract<DemoStep, { kind: 'updates' }>) => {
    const formId = imported.forms[step.form];
    if (!formId) throw new SeedError(`a step changes "${step.form}", which the template does not have`);
    const ids = step.records.map((r) => {
      const id = records.get(r.record);
      if (id === undefined) throw new SeedError(`/${step.form}: no record "${r.record}" to change`);
      return id;
    });
    const versions = new Map<string, number>();
    for (let i = 0; i < ids.length; i += FIND_CHUNK) {
      const filter = JSON.stringify({ field: '_id', op: 'in', value: ids.slice(i, i + FIND_CHUNK) });
      let cursor: string | undefined;
      do {
        const query = `limit=200&filter=${encodeURIComponent(filter)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = (await call(
          options.owner,
          'GET',
          `/workspaces/${ws}/forms/${formId}/records?${query}`,
        )) as {
          items: Array<{ id: string; v: number }>;
          nextCursor?: string | null;
        };
        for (const item of page.items) versions.set(item.id, item.v);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    }
    const byActor = new Map<
      string | undefined,
      Array<{ id: string; v: number; data: Record<string, unknown> }>
    >();
    step.records.forEach((r, i) => {
      const id = ids[i] as string;
      const change = {
        id,
        v: versions.get(id) ?? 1,
        data: resolve(r.data, `/${step.form}/${r.record}`) as Record<string, unknown>,
      };
      const list = byActor.get(r.as);
      if (list) list.push(change);
      else byActor.set(r.as, [change]);
    });
    const chunks: Array<{
      as: string | undefined;
      records: Array<{ id: string; v: number; data: Record<string, unknown> }>;
    }> = [];
    for (const [as, list] of byActor) {
      for (let i = 0; i < list.length; i += BATCH) chunks.push({ as, records: list.slice(i, i + BATCH) });
    }
    await lanes(chunks, LANES, async ({ as, records: chunk }) => {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/v1/workspaces/${ws}/forms/${formId}/records/batch${step.bulk ? '?bulk=true' : ''}`,
        headers: { authorization: `Bearer ${actorOf(as).token}` },
        payload: { records: chunk },
      });
      if (res.statusCode >= 400)
        throw new SeedError(`PATCH ${step.form} batch: ${res.statusCode} ${res.body.slice(0, 500)}`);
      const failedOne = (res.json() as { results: Array<{ ok: boolean; error?: unknown }> }).results.find(
        (r) => !r.ok,
      );
      if (failedOne) throw new SeedError(`${step.form} update: ${JSON.stringify(failedOne.error)}`);
    });
  };

  for (const step of plan.steps) {
    await options.drain();
    if (step.kind === 'records') {
      progress(`${step.label ?? step.form}: ${step.records.length} records`);
      await writeRecords(step);
    } else if (step.kind === 'updates') {
      progress(`${step.label ?? step.form}: ${step.records.length} changes`);
      await updateRecords(step);
    } else {
      const id = imported.automations?.[step.automation];
      if (!id) throw new SeedError(`no automation "${step.automation}" in the template`);
      progress(`running ${step.automation}`);
      await call(actorOf(step.as), 'POST', `/workspaces/${ws}/automations/${id}/run`, {
        ...(step.input ? { input: step.input } : {}),
      });
    }
  }
  await options.drain();
  return {
    appId: imported.appId,
    forms: imported.forms,
    written,
    members: plan.members.map((m) => ({ ref: m.ref, email: m.email, userId: users.get(m.ref) as string })),
    ms: Date.now() - started,
  };
}
