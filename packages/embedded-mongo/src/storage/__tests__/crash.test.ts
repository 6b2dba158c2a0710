import { readdirSync } from 'node:fs';
import { EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../index.js';
import { exited, spawnFixture, waitForLine } from './child.js';
import { crashOps, parseCrashId, WORKERS } from './fixtures/crash-model.js';
import { tempDir } from './helpers.js';

// A few kills in the normal run; the stress job sets FORMLOOM_CRASH_ITERATIONS=20 or more.
const iterations = Number(process.env.FORMLOOM_CRASH_ITERATIONS ?? 3);

/**
 * Runs the writer child until a random number of acknowledgements (counted, so a slow disk still gets
 * its share of work done) plus a random delay, SIGKILLs it and records the highest acked seq per worker.
 */
async function runAndKill(dir: string, acked: number[]): Promise<void> {
  const child = spawnFixture('crash-writer.ts', [dir]);
  const target = 40 + Math.floor(Math.random() * 200);
  let seen = 0;
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? ''; // a line cut by the kill was never fully reported
    for (const line of lines) {
      const match = /^ack (\d+) (\d+)$/.exec(line);
      if (!match) continue;
      acked[Number(match[1])] = Math.max(acked[Number(match[1])] ?? -1, Number(match[2]));
      if (++seen >= target) reached();
    }
  });
  child.once('exit', () => reached()); // a child that dies by itself fails the signal check below
  await waitForLine(child, /^ready/);
  await enough;
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
  child.kill('SIGKILL');
  await exited(child);
  expect(child.signalCode).toBe('SIGKILL');
}

/** Reopens the directory and checks every acknowledged commit is there, whole and uncorrupted. */
async function verify(dir: string, acked: readonly number[]): Promise<number> {
  const { storage, recovered } = await openStorage(dir);
  const found = new Map<string, string>();
  for (const op of recovered) {
    if (op.op === 'put') found.set(String(op.doc._id), EJSON.stringify(op.doc, { relaxed: false }));
  }
  await storage.close();
  for (let worker = 0; worker < WORKERS; worker++) {
    const seqs = new Set<number>();
    for (const id of found.keys()) {
      const parsed = parseCrashId(id);
      if (parsed?.worker === worker && !parsed.twin) seqs.add(parsed.seq);
    }
    // A worker commits its next seq only after the previous one was acked: a contiguous prefix that
    // covers every ack, plus at most the one commit in flight at the kill.
    const max = Math.max(-1, ...seqs);
    expect(seqs.size, `worker ${worker}: holes in 0..${max}`).toBe(max + 1);
    expect(max, `worker ${worker} lost acknowledged seq ${acked[worker]}`).toBeGreaterThanOrEqual(
      acked[worker] ?? -1,
    );
    expect(max).toBeLessThanOrEqual((acked[worker] ?? -1) + 1);
    for (let seq = 0; seq <= max; seq++) {
      const expected = crashOps(worker, seq).map((op) =>
        op.op === 'put' ? EJSON.stringify(op.doc, { relaxed: false }) : '',
      );
      expect(found.get(`${worker}:${seq}`)).toBe(expected[0]);
      expect(found.get(`${worker}:${seq}:twin`)).toBe(expected[1]); // the entry is all or nothing
    }
  }
  return found.size;
}

describe('crash safety', () => {
  it(`recovers every acknowledged commit after SIGKILL (${iterations} kills)`, {
    timeout: 30_000 + iterations * 15_000,
  }, async () => {
    const dir = tempDir();
    const acked = new Array<number>(WORKERS).fill(-1);
    let docs = 0;
    for (let i = 0; i < iterations; i++) {
      await runAndKill(dir, acked);
      docs = await verify(dir, acked);
    }
    expect(docs).toBeGreaterThan(0);
    // The child checkpoints every 32 KiB of journal, so the kills also hit snapshots being written.
    expect(readdirSync(dir).some((name) => name.startsWith('snapshot-'))).toBe(true);
    console.info(
      `crash test: ${iterations} kills, ${docs} documents recovered, acked per worker ${acked.join(',')}`,
    );
  });
});
