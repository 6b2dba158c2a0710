import type { DemoRunResult } from './run.js';

/** The lines telling a person how to sign in to a freshly seeded demo workspace. */
export function signInLines(result: Extract<DemoRunResult, { seeded: true }>, url: string): string[] {
  const width = Math.max(...result.signIn.map((s) => s.label.length));
  return [
    `Demo workspace ready at ${url} (password for every account: ${result.password})`,
    ...result.signIn.map((s) => `  ${s.label.padEnd(width)}  ${s.email}`),
  ];
}

/** Records per form of a seeded demo, and how long seeding took. */
export function summaryLine(result: Extract<DemoRunResult, { seeded: true }>): string {
  const total = Object.values(result.written).reduce((a, b) => a + b, 0);
  const perForm = Object.entries(result.written)
    .map(([form, n]) => `${form} ${n}`)
    .join(', ');
  return `Seeded ${total} records (${perForm}) in ${(result.ms / 1000).toFixed(1)} s (${Math.round(
    total / Math.max(0.001, result.ms / 1000),
  )} records/s)`;
}
