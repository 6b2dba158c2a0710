import type { AppInstance } from '../../app.js';
import { loadDemoGenerator } from './load.js';
import { planCounts } from './plan.js';
import { type SeedReport, seedDemo } from './seed.js';

/** The template the product's demo workspace holds. */
export const DEMO_TEMPLATE = 'sales_performance';
/** The demo workspace's owner. */
export const DEMO_OWNER = { email: 'owner@example.com', name: 'Demo Owner' } as const;

/** Background jobs run at once while seeding (the store works while the server computes). */
const DRAIN_LANES = 6;

/**
 * Runs the background jobs that are due now in {@link DRAIN_LANES} lanes until none is left (the runs of a
 * seeding step are independent of each other); with the poller running too, each job is still claimed by
 * one of them.
 */
export async function drainJobs(app: AppInstance): Promise<void> {
  while ((await app.scheduler.runDue(DRAIN_LANES)).ran > 0) {
    // until nothing is due
  }
}

/** Options of {@link runDemo}. */
export interface DemoRunOptions {
  template?: string;
  seed?: number;
  scale?: number;
  today?: string;
  onProgress?: (message: string) => void;
}

/** What {@link runDemo} did: nothing (the store already had users) or a seeded workspace. */
export type DemoRunResult =
  | { seeded: false }
  | (SeedReport & {
      seeded: true;
      ws: string;
      password: string;
      signIn: Array<{ label: string; email: string }>;
      planned: Record<string, number>;
    });

/**
 * Builds the demo workspace on a store without users: first-run setup with {@link DEMO_OWNER} (the plan's
 * password), then the template's demo plan seeded through the public API. A store that already has users
 * is left alone, so restarting with `--demo` keeps what was done in the demo.
 */
export async function runDemo(app: AppInstance, options: DemoRunOptions = {}): Promise<DemoRunResult> {
  const template = options.template ?? DEMO_TEMPLATE;
  const status = await app.inject({ method: 'GET', url: '/api/v1/setup' });
  if (!(status.json() as { needed: boolean }).needed) return { seeded: false };
  const generate = await loadDemoGenerator(app.config.templatesDir, template);
  if (!generate) throw new Error(`The template "${template}" has no demo generator (demo/generate.mjs)`);
  const plan = generate({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    ...(options.today === undefined ? {} : { today: options.today }),
  });
  const setup = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: {
      workspace: { name: 'Demo' },
      owner: { email: DEMO_OWNER.email, password: plan.password, name: DEMO_OWNER.name },
    },
  });
  if (setup.statusCode !== 201) throw new Error(`Demo setup failed: ${setup.statusCode} ${setup.body}`);
  const owner = setup.json() as { workspaceId: string; userId: string; token: string };
  const report = await seedDemo(app, {
    template,
    plan,
    ws: owner.workspaceId,
    owner: { token: owner.token, userId: owner.userId },
    drain: () => drainJobs(app),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const emails = new Map(plan.members.map((m) => [m.ref, m.email]));
  return {
    ...report,
    seeded: true,
    ws: owner.workspaceId,
    password: plan.password,
    planned: planCounts(plan),
    signIn: (plan.signIn ?? [{ label: 'owner' }]).map((s) => ({
      label: s.label,
      email: s.member ? (emails.get(s.member) ?? '') : DEMO_OWNER.email,
    })),
  };
}
