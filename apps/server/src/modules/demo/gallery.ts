import { randomBytes } from 'node:crypto';
import type { AppInstance } from '../../app.js';
import { loadDemoGenerator } from './load.js';
import { drainJobs } from './run.js';
import { seedDemo } from './seed.js';

/** The share of a template's demo volume a gallery import writes (the whole demo is for `pnpm demo`). */
export const GALLERY_DEMO_SCALE = 0.05;

/** The demo people of a gallery import, to sign in as and try the app. */
export interface GalleryDemo {
  /** Written by the plan (automations write more). */
  records: number;
  /** Every demo account's password: made for this import, shown only in its answer. */
  password: string;
  accounts: Array<{ label: string; email: string }>;
}

/**
 * Demo data of a gallery import (`POST .../apps/import {"template", "demoData": true}`) for a template
 * whose demo is a generator rather than records: the plan at {@link GALLERY_DEMO_SCALE}, seeded into the
 * app just imported, as the importing person. The plan's people join the workspace with emails made its
 * own (`rep01+<app>@example.com`: no existing account is ever attached, and each import has its own
 * people) and a password made for this import; departments of the same names are reused. Undefined when
 * the template has no generator.
 */
export async function seedGalleryDemo(
  app: AppInstance,
  options: {
    template: string;
    ws: string;
    importer: { token: string; userId: string };
    into: { appId: string; forms: Record<string, string>; automations?: Record<string, string> };
  },
): Promise<GalleryDemo | undefined> {
  const generate = await loadDemoGenerator(app.config.templatesDir, options.template);
  if (!generate) return undefined;
  const plan = generate({ scale: GALLERY_DEMO_SCALE });
  const suffix = options.into.appId.slice(-8);
  const members = plan.members.map((m) => ({ ...m, email: m.email.replace('@', `+${suffix}@`) }));
  const password = `Demo-${randomBytes(12).toString('base64url')}`;
  const report = await seedDemo(app, {
    template: options.template,
    plan: { ...plan, password, members },
    ws: options.ws,
    owner: options.importer,
    into: options.into,
    drain: () => drainJobs(app),
  });
  const emails = new Map(members.map((m) => [m.ref, m.email]));
  return {
    records: Object.values(report.written).reduce((a, b) => a + b, 0),
    password,
    accounts: (plan.signIn ?? [])
      .filter((s) => s.member !== undefined)
      .map((s) => ({ label: s.label, email: emails.get(s.member as string) ?? '' })),
  };
}
