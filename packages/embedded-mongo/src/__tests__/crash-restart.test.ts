import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Kills a server process (the formloom-db CLI over startEmbeddedMongo) with SIGKILL at a random moment
 * while several clients write, restarts it on the same directory and checks that every acknowledged
 * write survived. EMBEDDED_MONGO_CRASH_ITERATIONS sets the number of rounds (the stress job uses 20).
 */
const ITERATIONS = Number(process.env.EMBEDDED_MONGO_CRASH_ITERATIONS ?? 3);
const WRITERS = 4;
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Server {
  child: ChildProcess;
  uri: string;
}

function startServer(dataDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'src/cli.ts', '--dbpath', dataDir, '--port', '0'],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('mongodb://'));
      if (line) resolve({ child, uri: line.trim() });
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited early (${code ?? signal}): ${err}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** What the writers know was acknowledged, across every round. */
interface Ledger {
  inserted: Set<string>;
  updated: Set<string>;
  incAcked: number;
  incAttempted: number;
}

async function writeUntilKilled(
  uri: string,
  round: number,
  ledger: Ledger,
  killAfterMs: number,
  server: Server,
) {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
    retryWrites: false,
  });
  await client.connect();
  const coll = client
    .db('crash')
    .collection<{ _id: string; round?: number; payload?: string; updated?: boolean; n?: number }>('docs');
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const id = `r${round}-w${w}-${i}`;
      try {
        await coll.insertOne({ _id: id, round, payload: 'x'.repeat(100 + ((i * 37) % 400)) });
        ledger.inserted.add(id);
        if (i % 3 === 2) {
          const target = `r${round}-w${w}-${i - 1}`;
          await coll.updateOne({ _id: target }, { $set: { updated: true } });
          ledger.updated.add(target);
        }
        if (i % 5 === 4) {
          ledger.incAttempted += 1;
          await coll.updateOne({ _id: 'counter' }, { $inc: { n: 1 } }, { upsert: true });
          ledger.incAcked += 1;
        }
      } catch {
        return; // the server is gone: anything not acknowledged may or may not have landed
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  server.child.kill('SIGKILL');
  await exited(server.child);
  stop = true;
  await Promise.all(writers);
  await client.close(true).catch(() => undefined);
}

describe('crash and restart of the server process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'formloom-crash-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    `keeps every acknowledged write through ${ITERATIONS} SIGKILLs`,
    async () => {
      const ledger: Ledger = { inserted: new Set(), updated: new Set(), incAcked: 0, incAttempted: 0 };
      for (let round = 0; round < ITERATIONS; round++) {
        const server = await startServer(dataDir);
        await verify(server.uri, ledger, round);
        await writeUntilKilled(server.uri, round, ledger, 100 + Math.floor(Math.random() * 600), server);
      }
      const last = await startServer(dataDir);
      await verify(last.uri, ledger, ITERATIONS);
      expect(ledger.inserted.size).toBeGreaterThan(0);
      // A clean stop: SIGTERM closes the store and the CLI exits 0.
      last.child.kill('SIGTERM');
      expect(await exited(last.child)).toBe(0);
    },
    60_000 + ITERATIONS * 20_000,
  );
});

async function verify(uri: string, ledger: Ledger, round: number): Promise<void> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
  try {
    const docs = await client
      .db('crash')
      .collection<{ _id: string; updated?: boolean; n?: number }>('docs')
      .find({}, { projection: { payload: 0 } })
      .toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    const missing = [...ledger.inserted].filter((id) => !byId.has(id));
    expect(missing, `round ${round}: acknowledged inserts lost`).toEqual([]);
    const notUpdated = [...ledger.updated].filter((id) => byId.get(id)?.updated !== true);
    expect(notUpdated, `round ${round}: acknowledged updates lost`).toEqual([]);
    const n = byId.get('counter')?.n ?? 0;
    expect(n).toBeGreaterThanOrEqual(ledger.incAcked);
    expect(n).toBeLessThanOrEqual(ledger.incAttempted);
    // Writes that were in flight at the kill may have landed: adopt them so later rounds stay exact.
    ledger.incAcked = n;
    ledger.incAttempted = n;
  } finally {
    await client.close();
  }
}
