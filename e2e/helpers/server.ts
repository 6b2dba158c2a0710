import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, two levels above this helper. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const SERVER_ENTRY = join(REPO_ROOT, 'apps/server/dist/main.js');
const WEB_INDEX = join(REPO_ROOT, 'apps/web/dist/index.html');

/** A built Formloom server running as a child process on its own port and data directory. */
export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  dataDir: string;
  /** What the process printed so far (stdout and stderr): its first and last 20,000 characters. */
  output(): string;
  /** Sends SIGTERM, waits for the exit and removes the data directory; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Asks the OS for a free port by binding port 0, then releases it for the server. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      // The server should drain and exit on its own; this only keeps a hung one from outliving the tests.
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/api/v1/health`);
      if (response.ok) return;
      lastError = `health answered ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms (${lastError}):\n${output()}`);
}

/**
 * Starts `node apps/server/dist/main.js` on a free port with a fresh data directory and a random
 * secret, and resolves once `GET /api/v1/health` answers 200. Both the server and the web app must
 * have been built (`pnpm build`).
 */
export async function startServer(
  options: { env?: Record<string, string>; healthTimeoutMs?: number } = {},
): Promise<RunningServer> {
  for (const [file, what] of [
    [SERVER_ENTRY, 'server'],
    [WEB_INDEX, 'web app'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build the ${what} first (pnpm build)`);
  }
  const port = await findFreePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'formloom-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SECRET: randomBytes(32).toString('hex'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The head (startup lines such as the demo's sign-in accounts, which tests read) and the tail (enough
  // to explain a failure), without holding a long run's log in memory.
  let head = '';
  let tail = '';
  let dropped = false;
  const append = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    const room = Math.max(0, 20_000 - head.length);
    head += text.slice(0, room);
    if (text.length <= room) return;
    const next = tail + text.slice(room);
    dropped ||= next.length > 20_000;
    tail = next.slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const output = () => `${head}${dropped ? '\n…\n' : ''}${tail}`;

  const stop = async () => {
    child.kill('SIGTERM');
    const code = await waitForExit(child, 10_000);
    await rm(dataDir, { recursive: true, force: true });
    return code;
  };

  try {
    // A server seeding demo data (FORMLOOM_DEMO) listens only once it is done: such callers wait longer.
    await waitForHealth(url, child, output, options.healthTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dataDir, output, stop };
}
