/**
 * Identity benchmark: what authentication and membership resolution cost per request, as ratios against
 * the public health route measured in the same run, plus the argon2id cost of one login.
 * Run: `pnpm --filter @formloom/server bench` (embedded store in a temp dir).
 */
import { performance } from 'node:perf_hooks';
import { createTestApp } from '../../test/app.js';
import { hashPassword } from './password.js';
import { runSetup } from './test-helpers.js';

const N = 400;

async function timeIt(label: string, run: () => Promise<unknown>, count = N): Promise<number> {
  for (let i = 0; i < 20; i += 1) await run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await run();
  const perOp = (performance.now() - start) / count;
  console.log(`${label.padEnd(44)} ${perOp.toFixed(3)} ms/op`);
  return perOp;
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const owner = await runSetup(t.app);
  const headers = owner.headers;
  const ws = owner.workspaceId;
  const health = await timeIt('GET /health (baseline, public)', () =>
    t.app.inject({ method: 'GET', url: '/api/v1/health' }),
  );
  const me = await timeIt('GET /auth/me (session + user lookups)', () =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers }),
  );
  const wsGet = await timeIt('GET /workspaces/:ws (session + membership)', () =>
    t.app.inject({ method: 'GET', url: `/api/v1/workspaces/${ws}`, headers }),
  );
  const denied = await timeIt('GET /workspaces/:ws without credentials (401)', () =>
    t.app.inject({ method: 'GET', url: `/api/v1/workspaces/${ws}` }),
  );
  const hash = await timeIt('argon2id hash (19 MiB, t=2)', () => hashPassword('Correct-Horse-42'), 20);
  console.log(
    `ratios vs /health: me ${(me / health).toFixed(2)}x, workspace ${(wsGet / health).toFixed(2)}x, ` +
      `401 ${(denied / health).toFixed(2)}x, argon2id hash ${(hash / health).toFixed(1)}x`,
  );
} finally {
  await t.close();
}
