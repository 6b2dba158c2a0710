import { FormulaError } from '../errors.js';
import type { FunctionDef } from '../registry.js';
import { isBlank, toNumber, toText } from '../values.js';
import { numericList, opt, req } from './helpers.js';

/** How a tier table pays: each slice at its own rate, or the whole value at the reached tier's rate. */
export type TierMode = 'graduated' | 'retroactive';

/** One line of a tier breakdown, in value units. */
export interface TierSlice {
  readonly from: number;
  /** Upper bound of the tier; `null` for the open-ended last tier. */
  readonly to: number | null;
  readonly rate: number;
  /** The part of the value that falls in this tier (graduated) or the whole value (the retroactive tier). */
  readonly slice: number;
  readonly amount: number;
}

/** The result of a tier calculation with the per-tier lines behind it. */
export interface TierBreakdown {
  readonly mode: TierMode;
  /** The value after the cap was applied. */
  readonly value: number;
  readonly capped: boolean;
  readonly tiers: readonly TierSlice[];
  readonly total: number;
}

/** Inputs of {@link tieredBreakdown}; thresholds and cap are in value units. */
export interface TierInput {
  readonly value: number;
  readonly thresholds: readonly number[];
  readonly rates: readonly number[];
  readonly mode: TierMode;
  readonly cap?: number | null;
}

/**
 * Tier tables: thresholds are the ascending lower bounds of the tiers, tier i covering
 * (thresholds[i], thresholds[i+1]] and the last tier open-ended. Graduated mode pays every slice at
 * its rate (tax brackets); retroactive mode pays the whole value at the rate of the tier it reaches
 * (a value exactly on a bound stays in the lower tier). A cap limits the value first. Values at or
 * below the first threshold pay nothing.
 */
export function tieredBreakdown(input: TierInput, position = 0): TierBreakdown {
  const { thresholds, rates, mode } = input;
  if (thresholds.length === 0 || thresholds.length !== rates.length) {
    throw new FormulaError('INVALID_ARGUMENT', position, { name: 'TIERED', detail: 'thresholds/rates' });
  }
  for (let i = 1; i < thresholds.length; i++) {
    if ((thresholds[i] ?? 0) <= (thresholds[i - 1] ?? 0)) {
      throw new FormulaError('INVALID_ARGUMENT', position, { name: 'TIERED', detail: 'thresholds' });
    }
  }
  const cap = input.cap ?? null;
  const capped = cap !== null && input.value > cap;
  const value = capped ? cap : input.value;
  const tiers: TierSlice[] = [];
  let total = 0;
  for (let i = 0; i < thresholds.length; i++) {
    const from = thresholds[i] ?? 0;
    const to = i + 1 < thresholds.length ? (thresholds[i + 1] ?? null) : null;
    const rate = rates[i] ?? 0;
    let slice = 0;
    if (mode === 'graduated') {
      slice = Math.max(0, Math.min(value, to ?? value) - from);
    } else if (value > from && (to === null || value <= to)) {
      slice = value;
    }
    const amount = slice * rate;
    total += amount;
    tiers.push({ from, to, rate, slice, amount });
  }
  return { mode, value, capped, tiers, total };
}

/**
 * The total of {@link tieredBreakdown} without building the breakdown or scaled copies of the
 * table (the hot path of TIERED). Thresholds and cap are multiplied by `base`.
 */
export function tieredTotal(
  rawValue: number,
  thresholds: readonly number[],
  rates: readonly number[],
  mode: TierMode,
  cap: number | null,
  base: number,
  position: number,
): number {
  const n = thresholds.length;
  if (n === 0 || n !== rates.length) {
    throw new FormulaError('INVALID_ARGUMENT', position, { name: 'TIERED', detail: 'thresholds/rates' });
  }
  const value = cap !== null && rawValue > cap * base ? cap * base : rawValue;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const from = (thresholds[i] as number) * base;
    const to = i + 1 < n ? (thresholds[i + 1] as number) * base : Number.POSITIVE_INFINITY;
    if (to <= from)
      throw new FormulaError('INVALID_ARGUMENT', position, { name: 'TIERED', detail: 'thresholds' });
    const rate = rates[i] as number;
    if (mode === 'graduated') {
      const slice = Math.min(value, to) - from;
      if (slice > 0) total += slice * rate;
    } else if (value > from && value <= to) {
      total += value * rate;
    }
  }
  return total;
}

function modeOf(raw: unknown, position: number): TierMode {
  if (raw === 'graduated' || raw === 'retroactive') return raw;
  const text = toText(raw).trim().toLowerCase();
  if (text !== 'graduated' && text !== 'retroactive') {
    throw new FormulaError('INVALID_ARGUMENT', position, { name: 'TIERED', detail: `mode ${text}` });
  }
  return text;
}

function readInput(args: readonly unknown[], position: number): TierInput {
  const modeText = modeOf(args[3], position);
  // With a base, thresholds and cap are fractions of it (attainment bands): scale them to value units.
  const base = args[5] === undefined || isBlank(args[5]) ? 1 : toNumber(args[5], position);
  const capRaw = args[4] === undefined || isBlank(args[4]) ? 0 : toNumber(args[4], position);
  const thresholds = numericList(args[1], position);
  return {
    value: toNumber(args[0], position),
    thresholds: base === 1 ? thresholds : thresholds.map((t) => t * base),
    rates: numericList(args[2], position),
    mode: modeText,
    cap: capRaw > 0 ? capRaw * base : null,
  };
}

/** The TIERED function. */
export const tierFunctions: readonly FunctionDef[] = [
  {
    name: 'TIERED',
    category: 'tier',
    params: [
      req('value', 'number'),
      req('thresholds', 'number[]'),
      req('rates', 'number[]'),
      req('mode', 'text'),
      opt('cap', 'number'),
      opt('base', 'number'),
    ],
    returns: 'number',
    description: {
      en: 'Tier table (tax brackets, volume discounts, tiered payouts). thresholds are the ascending lower bounds of the tiers, rates their rates; mode "graduated" pays each slice at its tier rate, "retroactive" pays the whole value at the rate of the tier reached (a value exactly on a bound stays in the lower tier). cap limits the value (blank or 0: no cap). With base, thresholds and cap are fractions of base, e.g. attainment bands of a target: TIERED(actual, [0, 0.5, 1], [0.02, 0.05, 0.08], "graduated", 1.5, target).',
      'zh-CN':
        '阶梯计算（累进税率、量价折扣、阶梯奖励）。thresholds 为各档下限（升序），rates 为各档比率；mode 为 "graduated"（超额累进，每段按本档比率）或 "retroactive"（全额累进，整个值按所达档位的比率；恰好落在边界上的值归入较低一档）。cap 为封顶值（空或 0 表示不封顶）。给出 base 时，thresholds 和 cap 表示 base 的比例，如按目标完成率分档：TIERED(actual, [0, 0.5, 1], [0.02, 0.05, 0.08], "graduated", 1.5, target)。',
    },
    examples: [
      { formula: 'TIERED(1300000, [0, 500000, 1000000], [0.02, 0.05, 0.08], "graduated")', result: 59000 },
      { formula: 'TIERED(1300000, [0, 500000, 1000000], [0.02, 0.05, 0.08], "retroactive")', result: 104000 },
      {
        formula: 'TIERED(1800000, [0, 0.5, 1], [0.02, 0.05, 0.08], "graduated", 1.5, 1000000)',
        result: 75000,
      },
    ],
    impl: (args, _c, pos) => {
      const capRaw = args[4] === undefined || isBlank(args[4]) ? 0 : toNumber(args[4], pos);
      return tieredTotal(
        toNumber(args[0], pos),
        numericList(args[1], pos),
        numericList(args[2], pos),
        modeOf(args[3], pos),
        capRaw > 0 ? capRaw : null,
        args[5] === undefined || isBlank(args[5]) ? 1 : toNumber(args[5], pos),
        pos,
      );
    },
    detail: (args) => tieredBreakdown(readInput(args, 0)),
  },
];
