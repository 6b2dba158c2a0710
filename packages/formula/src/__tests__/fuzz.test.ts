import { describe, expect, it } from 'vitest';
import { compile, defaultRegistry, explain, FormulaError } from '../index.js';

// Deterministic PRNG (mulberry32) so a failure can be replayed from the seed.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = {
  a: 'number',
  s: 'text',
  xs: 'number[]',
  d: 'date',
  b: 'boolean',
  'o.p': 'text',
  'rows.v': 'number[]',
  any: 'any',
} as const;

const HOSTILE_SCOPE: Record<string, unknown> = {
  a: 1e308,
  s: '__proto__',
  xs: [1, '2', null, { valueOf: () => 7 }, Number.NaN],
  d: 'not a date',
  b: { toString: () => 'TRUE' },
  o: Object.create({ p: 'inherited' }),
  rows: [
    { v: 1 },
    null,
    {
      get v() {
        throw new Error('getter');
      },
    },
  ],
  any: () => 'a function',
};

const HOSTILE = [
  'constructor.constructor("return process")()',
  'constructor.constructor("return this")().process',
  '__proto__',
  '__proto__.polluted',
  'x["constructor"]',
  's["constructor"]["constructor"]("return 1")()',
  'o.__proto__.polluted',
  'toString',
  'valueOf()',
  'hasOwnProperty("a")',
  'this',
  'globalThis',
  'window.alert(1)',
  'process.exit(1)',
  'eval("1")',
  'Function("return 1")()',
  'a.constructor',
  'SUM.constructor',
  'SUM.call(1)',
  '(1).constructor',
  '"".constructor.prototype.polluted = 1',
  'a = 1',
  'f(x) = x',
  '1e309 * 1e309',
  '-1e308 * 10',
  '9'.repeat(400),
  '0x' + 'f'.repeat(300),
  `${'('.repeat(5000)}1${')'.repeat(5000)}`,
  `${'['.repeat(5000)}`,
  `${'-'.repeat(9000)}1`,
  `${'1?'.repeat(3000)}1${':1'.repeat(3000)}`,
  `${'2^'.repeat(4000)}2`,
  `${'NOT('.repeat(2000)}1${')'.repeat(2000)}`,
  '"\\u00zz"',
  '"unterminated',
  '/* unterminated',
  '\u0000',
  'a\u2028b',
  'SPLIT(REPT("a", 1e9), "")',
  'TEXT(1, "0".repeat(5))',
  'DATE(1e308, 1e308, 1e308)',
  'EDATE("2026-01-01", 1e308)',
  'DATEADD("2026-01-01", 1e308, "year")',
  'NETWORKDAYS("0001-01-01", "9999-12-31")',
  'ROUND(1, 1e9)',
  'ROUND(1e308, -400)',
  'POWER(10, 400)',
  'LEFT("abc", -1)',
  'MID("abc", 1e308, 1e308)',
  'SUBSTITUTE("a", "a", "aa", 1e308)',
  'TIERED(1, xs, xs, "graduated")',
  'RANK(1, xs)',
  'TREND(xs, xs, xs)',
  'JOIN(rows.v, o.p)',
  'SUM(rows.v)',
  'any(1)',
  'b & s & d',
];

const TOKENS = [
  'a',
  's',
  'xs',
  'd',
  'b',
  'o.p',
  'rows.v',
  'any',
  '1',
  '0',
  '-1',
  '2.5',
  '1e308',
  '"x"',
  "'y'",
  '"2026-01-31"',
  'TRUE',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '&',
  '=',
  '<>',
  '<',
  '>=',
  'and',
  'or',
  'not',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '__proto__',
  'constructor',
  'prototype',
  ';',
  '!',
  '"',
  '\\',
];
const FUNCTIONS = defaultRegistry.list().map((f) => f.name);

function randomFormula(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  // Mostly well-formed calls so evaluation paths get exercised, plus raw token soup.
  const expr = (depth: number): string => {
    const r = next();
    if (depth > 4 || r < 0.3) return pick(TOKENS.slice(0, 17));
    if (r < 0.6) {
      const n = Math.floor(next() * 4);
      return `${pick(FUNCTIONS)}(${Array.from({ length: n }, () => expr(depth + 1)).join(', ')})`;
    }
    if (r < 0.8) return `${expr(depth + 1)} ${pick(TOKENS.slice(17, 31))} ${expr(depth + 1)}`;
    if (r < 0.9) return `[${expr(depth + 1)}, ${expr(depth + 1)}]`;
    return Array.from({ length: 1 + Math.floor(next() * 8) }, () => pick(TOKENS)).join(
      next() < 0.5 ? ' ' : '',
    );
  };
  return expr(0);
}

function mutate(source: string, next: () => number): string {
  const chars = [...source];
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (chars.length + 1));
    const r = next();
    const ch = String.fromCharCode(32 + Math.floor(next() * 95));
    if (r < 0.4) chars.splice(at, 0, ch);
    else if (r < 0.7) chars.splice(at, 1);
    else chars[at] = ch;
  }
  return chars.join('');
}

const SEEDS = [1, 2, 3];
const PER_SEED = 1500;

function snapshotGlobals(): string {
  const names = (o: object) => Object.getOwnPropertyNames(o).sort().join(',');
  return [
    names(globalThis),
    names(Object.prototype),
    names(Array.prototype),
    names(Function.prototype),
    names(String.prototype),
  ].join('|');
}

describe('fuzz: only FormulaError escapes, nothing leaks, every evaluation ends', () => {
  const before = snapshotGlobals();
  let compiled = 0;
  let evaluated = 0;
  let errors = 0;

  const attempt = (source: string) => {
    for (const scope of [HOSTILE_SCOPE, {}]) {
      try {
        const f = compile(source, FIELDS, { maxSteps: 100_000 });
        compiled++;
        f.evaluate(scope, { now: new Date('2026-03-15T00:00:00Z') });
        evaluated++;
      } catch (error) {
        errors++;
        if (!(error instanceof FormulaError)) {
          throw new Error(`non-FormulaError for ${JSON.stringify(source.slice(0, 200))}: ${String(error)}`);
        }
      }
    }
    try {
      explain(source, HOSTILE_SCOPE, { fieldTypes: FIELDS });
    } catch (error) {
      if (!(error instanceof FormulaError))
        throw new Error(`explain leaked ${String(error)} for ${source.slice(0, 200)}`);
    }
  };

  it('hostile strings', { timeout: 60_000 }, () => {
    for (const source of HOSTILE) attempt(source);
  });

  it.each(SEEDS)('random and mutated formulas, seed %i', { timeout: 120_000 }, (seed) => {
    const next = rng(seed);
    for (let i = 0; i < PER_SEED; i++) {
      const source = randomFormula(next);
      attempt(source);
      attempt(mutate(source, next));
      attempt(mutate(HOSTILE[i % HOSTILE.length] ?? '', next));
    }
  });

  it('left globals and prototypes untouched', () => {
    expect(snapshotGlobals()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(compiled).toBeGreaterThan(1000);
    expect(evaluated).toBeGreaterThan(500);
    expect(errors).toBeGreaterThan(1000);
  });
});
