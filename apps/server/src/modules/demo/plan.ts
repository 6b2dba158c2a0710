/**
 * The demo plan: what a template's demo generator answers and the demo seeder executes
 * (docs/template-format.md, "Demo data"). Everything is named by refs the plan chooses; the seeder maps
 * them to the ids the workspace gives.
 *
 * Values inside a record's `data` (also inside subform rows) may be placeholders:
 * - `{ "$member": ref }`: the user id of a plan member;
 * - `{ "$department": ref }`: the id of a plan department;
 * - `{ "$record": ref }`: the id of a record an earlier step wrote with that `ref`;
 * - `{ "$find": { "form", "field", "record" } }`: the id of the record of `form` whose relation `field`
 *   names the plan record `record` — a record the app wrote itself (an automation) in an earlier step.
 */

/** A department of the demo organisation; parents come before their children. */
export interface DemoDepartment {
  ref: string;
  name: string;
  parent?: string;
}

/** A member of the demo workspace (a new user with the plan's password); managers come first. */
export interface DemoMember {
  ref: string;
  name: string;
  email: string;
  roles: string[];
  department?: string;
  manager?: string;
}

/**
 * A record a step writes: as the member `as` (the workspace owner when absent), or, with `owner`, by the
 * workspace owner on behalf of that member — the record is the member's (owner and department), as the
 * records an automation or an import writes for someone are: the way to write what the app itself would
 * have written (a field only automations set, a record of a form the member may not submit).
 */
export interface DemoRecord {
  ref?: string;
  as?: string;
  owner?: string;
  data: Record<string, unknown>;
}

/** A change to a record an earlier step wrote (`record` is its ref), made as the member `as`. */
export interface DemoUpdate {
  record: string;
  as?: string;
  data: Record<string, unknown>;
}

/**
 * One step: records of a form (written in batches, each as its member), changes to records written before
 * (batches of updates at their current versions), or a run of an automation. A `bulk` step's writes are
 * bulk writes (`?bulk=true`): they fire only automations that include bulk writes, so a plan can write the
 * effects of the others itself (one write instead of a run per record) — it must then write exactly what
 * they would.
 */
export type DemoStep =
  | {
      kind: 'records';
      form: string;
      label?: string;
      records: DemoRecord[];
      /**
       * Start the form's published flow on each record once written, as its writer would by submitting
       * it (batch writes start no flow): demo approvals then wait in the assignees' inboxes.
       */
      startFlows?: boolean;
      /** A bulk load: the plan writes itself what the app's automations would do with these writes. */
      bulk?: boolean;
    }
  | { kind: 'updates'; form: string; label?: string; records: DemoUpdate[]; bulk?: boolean }
  | { kind: 'automation'; automation: string; as?: string; input?: Record<string, unknown> };

/** A whole demo: organisation, the password of its members, whom to sign in as, and the steps in order. */
export interface DemoPlan {
  password: string;
  departments: DemoDepartment[];
  members: DemoMember[];
  /** Accounts worth printing after seeding (no member: the workspace owner). */
  signIn?: Array<{ member?: string; label: string }>;
  steps: DemoStep[];
}

/** Options of a template's demo generator. */
export interface DemoOptions {
  /** Same seed (and scale and today) → the same plan. */
  seed?: number;
  /** Multiplies the volume of records. */
  scale?: number;
  /** The day the demo's dates are relative to (YYYY-MM-DD). */
  today?: string;
  /**
   * Let the app's automations write what they write in real use, a run per record (slow: for proving that
   * the plan's own bulk load writes the same), instead of the plan writing it in batches.
   */
  viaAutomations?: boolean;
}

/** What a template's `demo/generate.mjs` exports. */
export type DemoGenerator = (options?: DemoOptions) => DemoPlan;

function fail(path: string, message: string): never {
  throw new Error(`Demo plan ${path}: ${message}`);
}

/**
 * Checks the plan's shape and that every ref it uses is declared before it is used (a generator's
 * mistake is named by its path instead of failing halfway through seeding).
 */
export function checkPlan(plan: unknown): DemoPlan {
  if (!plan || typeof plan !== 'object') fail('', 'must be an object');
  const p = plan as DemoPlan;
  if (typeof p.password !== 'string' || p.password.length < 8)
    fail('/password', 'must be 8 characters or more');
  if (!Array.isArray(p.departments) || !Array.isArray(p.members) || !Array.isArray(p.steps))
    fail('', 'needs departments, members and steps arrays');
  const departments = new Set<string>();
  for (const [i, d] of p.departments.entries()) {
    if (!d?.ref || !d.name) fail(`/departments/${i}`, 'needs ref and name');
    if (d.parent && !departments.has(d.parent)) fail(`/departments/${i}/parent`, `unknown "${d.parent}"`);
    departments.add(d.ref);
  }
  const members = new Set<string>();
  for (const [i, m] of p.members.entries()) {
    if (!m?.ref || !m.email || !m.name || !Array.isArray(m.roles))
      fail(`/members/${i}`, 'needs ref, name, email, roles');
    if (m.department && !departments.has(m.department))
      fail(`/members/${i}/department`, `unknown "${m.department}"`);
    if (m.manager && !members.has(m.manager)) fail(`/members/${i}/manager`, `unknown "${m.manager}"`);
    members.add(m.ref);
  }
  for (const [i, step] of p.steps.entries()) {
    if (step?.kind === 'records') {
      if (typeof step.form !== 'string' || !Array.isArray(step.records))
        fail(`/steps/${i}`, 'needs form and records');
      for (const [j, r] of step.records.entries()) {
        if (r.as !== undefined && !members.has(r.as))
          fail(`/steps/${i}/records/${j}/as`, `unknown "${r.as}"`);
        if (r.owner !== undefined && !members.has(r.owner))
          fail(`/steps/${i}/records/${j}/owner`, `unknown "${r.owner}"`);
        if (r.owner !== undefined && r.as !== undefined)
          fail(`/steps/${i}/records/${j}`, 'has as or owner, not both');
        if (!r.data || typeof r.data !== 'object') fail(`/steps/${i}/records/${j}/data`, 'must be an object');
      }
    } else if (step?.kind === 'updates') {
      if (typeof step.form !== 'string' || !Array.isArray(step.records))
        fail(`/steps/${i}`, 'needs form and records');
      for (const [j, r] of step.records.entries()) {
        if (typeof r.record !== 'string') fail(`/steps/${i}/records/${j}/record`, 'must be a ref');
        if (r.as !== undefined && !members.has(r.as))
          fail(`/steps/${i}/records/${j}/as`, `unknown "${r.as}"`);
      }
    } else if (step?.kind === 'automation') {
      if (typeof step.automation !== 'string') fail(`/steps/${i}/automation`, 'must be a key');
      if (step.as !== undefined && !members.has(step.as)) fail(`/steps/${i}/as`, `unknown "${step.as}"`);
    } else fail(`/steps/${i}/kind`, 'must be records, updates or automation');
  }
  return p;
}

/** Records of a plan per form key (for reports of what was seeded). */
export function planCounts(plan: DemoPlan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of plan.steps) {
    if (step.kind === 'records') counts[step.form] = (counts[step.form] ?? 0) + step.records.length;
  }
  return counts;
}
