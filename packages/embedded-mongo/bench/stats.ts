/** Latency samples of one measured operation, in milliseconds. */
export interface Measurement {
  name: string;
  samples: number[];
  /** Wall time of the whole series (ms), for ops/s when operations overlap. */
  wallMs: number;
  /** Operations completed in `wallMs`. */
  ops: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** p50/p99 latency and throughput of a measurement. */
export function summarize(m: Measurement): { p50: number; p99: number; opsPerSec: number } {
  const sorted = [...m.samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), opsPerSec: (m.ops / m.wallMs) * 1000 };
}

/** Runs `fn` `count` times one after another and records each latency. */
export async function sequential(name: string, count: number, fn: (i: number) => Promise<unknown> | unknown) {
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return { name, samples, wallMs: performance.now() - start, ops: count } satisfies Measurement;
}

/** Runs `count` calls of `fn` with `concurrency` in flight, for throughput under parallel clients. */
export async function concurrent(
  name: string,
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const t0 = performance.now();
      await fn(i);
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { name, samples, wallMs: performance.now() - start, ops: count };
}

/** Formats a number of milliseconds compactly. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Formats a ratio like `3.2×`. */
export function ratio(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`;
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
