import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { AppInstance } from '../../app.js';
import { appError, isAppError, t } from '../../lib/errors.js';
import { authModels } from '../auth/models.js';
import { normalizeEmail } from '../auth/service.js';
import { notificationModel } from '../notifications/model.js';
import { workspaceModels } from '../workspaces/models.js';
import { loadDemoGenerator } from './load.js';
import type { DemoGenerator, DemoPlan } from './plan.js';
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

/** The demo generator a gallery import of `template` seeds, or undefined when its demo is records (or none). */
export function galleryDemoGenerator(app: AppInstance, template: string): Promise<DemoGenerator | undefined> {
  return loadDemoGenerator(app.config.templatesDir, template);
}

/**
 * Demo data of a gallery import (`POST .../apps/import {"template", "demoData": true}`) for a template
 * whose demo is a generator rather than records: the plan at {@link GALLERY_DEMO_SCALE}, seeded into the
 * app just imported, as the importing person. The plan's people join the workspace with emails made its
 * own (`rep01+<app>@example.com`: no existing account is ever attached, and each import has its own
 * people) and a password made for this import; departments of the same names are reused.
 *
 * All or nothing: when seeding fails, the accounts and departments it made are removed again (the import
 * undoes the app and everything in it) and it throws `UNPROCESSABLE` `app.demoFailed`, with the failing
 * step at `/demoData`; the cause goes to the log, never to the caller.
 */
export async function seedGalleryDemo(
  app: AppInstance,
  options: {
    template: string;
    generate: DemoGenerator;
    ws: string;
    importer: { token: string; userId: string };
    into: { appId: string; forms: Record<string, string>; automations?: Record<string, string> };
    /** Called as seeding moves: `done` of `total` steps (the people, then each step of the plan). */
    onProgress?: (done: number, total: number) => void;
  },
): Promise<GalleryDemo> {
  const plan = options.generate({ scale: GALLERY_DEMO_SCALE });
  const suffix = options.into.appId.slice(-8);
  const members = plan.members.map((m) => ({ ...m, email: m.email.replace('@', `+${suffix}@`) }));
  const password = `Demo-${randomBytes(12).toString('base64url')}`;
  const seeded: DemoPlan = { ...plan, password, members };
  const total = plan.steps.length + 1;
  let announced = 0;
  const before = await departmentIds(app, options.ws);
  const started = new Date();
  try {
    const report = await seedDemo(app, {
      template: options.template,
      plan: seeded,
      ws: options.ws,
      owner: options.importer,
      into: options.into,
      drain: () => drainJobs(app),
      // One message for the people, then one as each step starts.
      onProgress: () => {
        announced += 1;
        options.onProgress?.(Math.min(announced - 1, total), total);
      },
    });
    const emails = new Map(members.map((m) => [m.ref, m.email]));
    return {
      records: Object.values(report.written).reduce((a, b) => a + b, 0),
      password,
      accounts: (plan.signIn ?? [])
        .filter((s) => s.member !== undefined)
        .map((s) => ({ label: s.label, email: emails.get(s.member as string) ?? '' })),
    };
  } catch (error) {
    app.log.error({ err: error, template: options.template }, 'gallery demo seeding failed; undoing it');
    await undoDemoPeople(app, { ws: options.ws, appId: options.into.appId, plan: seeded, before, started });
    if (isAppError(error) && error.code === 'STORE_UNAVAILABLE') throw error;
    throw appError('UNPROCESSABLE', 'app.demoFailed', [
      { path: '/demoData', message: t('detail.demoStep', { step: Math.max(1, announced), steps: total }) },
    ]);
  }
}

async function departmentIds(app: AppInstance, ws: string): Promise<Set<string>> {
  const { Department } = workspaceModels(app.store.connection);
  const list = await Department.find({ ws: new Types.ObjectId(ws) }, { _id: 1 }).lean();
  return new Set(list.map((d) => d._id.toHexString()));
}

/**
 * Removes what a failed gallery seeding made outside the app: the demo members (by the emails made for
 * this import), their accounts unless they belong to another workspace too (with their sessions), their
 * notifications here, invitations to those emails, and the departments it created that nothing else uses.
 */
async function undoDemoPeople(
  app: AppInstance,
  options: { ws: string; appId: string; plan: DemoPlan; before: Set<string>; started: Date },
): Promise<void> {
  const connection = app.store.connection;
  const ws = new Types.ObjectId(options.ws);
  const { Member, Department, Invitation } = workspaceModels(connection);
  const { User, Session } = authModels(connection);
  const emails = options.plan.members.map((m) => normalizeEmail(m.email));
  const users = await User.find(
    { email: { $in: emails }, createdAt: { $gte: options.started } },
    { _id: 1 },
  ).lean();
  const userIds = users.map((u) => u._id);
  await Member.deleteMany({ ws, user: { $in: userIds } });
  await notificationModel(connection).deleteMany({ ws, user: { $in: userIds } });
  await Invitation.deleteMany({ ws, email: { $in: emails }, createdAt: { $gte: options.started } });
  const elsewhere = new Set(
    (await Member.find({ user: { $in: userIds } }, { user: 1 }).lean()).map((m) => m.user.toHexString()),
  );
  const alone = userIds.filter((id) => !elsewhere.has(id.toHexString()));
  await Session.deleteMany({ user: { $in: alone } });
  await User.deleteMany({ _id: { $in: alone } });

  // New departments of the plan's names, children before parents, while nothing else refers to them.
  const names = options.plan.departments.map((d) => d.name);
  const made = (await Department.find({ ws, name: { $in: names } }, { _id: 1 }).lean())
    .map((d) => d._id)
    .filter((id) => !options.before.has(id.toHexString()));
  const appId = new Types.ObjectId(options.appId);
  let left = made;
  for (let round = 0; round < names.length && left.length > 0; round++) {
    const kept: Types.ObjectId[] = [];
    for (const id of left) {
      const [children, members, records] = await Promise.all([
        Department.countDocuments({ ws, parent: id }),
        Member.countDocuments({ ws, department: id }),
        connection.collection('records').countDocuments({ ws, dept: id, app: { $ne: appId } }, { limit: 1 }),
      ]);
      if (children + members + records === 0) await Department.deleteOne({ ws, _id: id });
      else kept.push(id);
    }
    if (kept.length === left.length) break;
    left = kept;
  }
}
