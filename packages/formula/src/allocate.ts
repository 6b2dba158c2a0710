/**
 * Splitting an amount into parts that add up exactly: the largest-remainder method in whole units of a
 * precision. Exact arithmetic (BigInt over the binary fractions doubles are), so no rounding error can
 * make the parts miss the total by a unit.
 */

/** How parts are weighted: all alike, by given weights, or some fixed and the rest spread alike. */
export type DistributionMethod = 'equal' | 'weights' | 'manual';

/** Input of {@link distributeAmount}. Parts are given in their tie-break order (earlier wins a tie). */
export interface DistributionInput {
  readonly total: number;
  /** Number of parts. */
  readonly count: number;
  readonly method: DistributionMethod;
  /** `weights`: one non-negative weight per part; all zero spreads alike. */
  readonly weights?: readonly number[];
  /** `manual`: a value per part to keep, or null for parts that share what the kept ones leave. */
  readonly fixed?: readonly (number | null)[];
  /** Decimals of the unit parts are whole multiples of (0: whole numbers). */
  readonly precision?: number;
}

/** Why an amount cannot be distributed (a code for messages, and the numbers behind it). */
export class DistributionError extends Error {
  constructor(
    readonly code: 'BAD_INPUT' | 'FIXED_EXCEEDS_TOTAL' | 'NOTHING_TO_SPREAD' | 'TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'DistributionError';
  }
}

/** A finite double as an exact fraction `num / den` with `den` a power of two. */
function exact(value: number): { num: bigint; den: bigint } {
  let scaled = value;
  let den = 1n;
  // Doubling is exact; a double with fraction bits becomes whole after at most 1074 doublings.
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    den *= 2n;
  }
  return { num: BigInt(scaled), den };
}

function toUnits(amount: number, precision: number): bigint {
  const shifted = Number(`${Math.abs(amount)}e${precision}`);
  const units = Math.round(shifted);
  if (!Number.isSafeInteger(units)) {
    throw new DistributionError('TOO_LARGE', `${amount} has too many units at precision ${precision}`);
  }
  return BigInt(Math.sign(amount) < 0 ? -units : units);
}

function fromUnits(units: bigint, precision: number): number {
  const value = Number(`${units}e-${precision}`);
  return value === 0 ? 0 : value;
}

/**
 * Splits `units` (a whole number, may be negative) in proportion to `weights` by the largest-remainder
 * method: each part gets the whole part of its exact share, and the units left over go one each to the parts
 * with the largest remainders, ties to the earlier part. The parts always add up to `units` exactly.
 * All-zero weights split alike. Throws {@link DistributionError} for negative or non-finite weights.
 */
export function allocateUnits(units: bigint, weights: readonly number[]): bigint[] {
  if (weights.length === 0) throw new DistributionError('BAD_INPUT', 'no parts to distribute over');
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new DistributionError('BAD_INPUT', 'weights must be finite and not negative');
  }
  const fractions = weights.map(exact);
  let den = 1n;
  for (const f of fractions) if (f.den > den) den = f.den;
  let scaled = fractions.map((f) => f.num * (den / f.den));
  let sum = scaled.reduce((a, b) => a + b, 0n);
  if (sum === 0n) {
    scaled = scaled.map(() => 1n);
    sum = BigInt(scaled.length);
  }
  const negative = units < 0n;
  const whole = negative ? -units : units;
  const parts = scaled.map((w) => (whole * w) / sum);
  const remainders = scaled.map((w, i) => ({ i, r: (whole * w) % sum }));
  let left = whole - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return negative ? parts.map((p) => -p) : parts;
}

/**
 * Splits `total` over `count` parts in whole units of `precision` decimals so the parts add up to the
 * total exactly: `equal`, by `weights`, or `manual` (parts with a fixed value keep it, the others share
 * what is left alike). Example: 10,000,000 over three alike gives 3,333,334 / 3,333,333 / 3,333,333.
 */
export function distributeAmount(input: DistributionInput): number[] {
  const precision = input.precision ?? 0;
  if (!Number.isInteger(precision) || precision < 0 || precision > 10) {
    throw new DistributionError('BAD_INPUT', 'precision must be a whole number from 0 to 10');
  }
  if (!Number.isFinite(input.total)) throw new DistributionError('BAD_INPUT', 'the total must be a number');
  if (!Number.isInteger(input.count) || input.count < 1) {
    throw new DistributionError('BAD_INPUT', 'there must be at least one part');
  }
  const total = toUnits(input.total, precision);
  if (input.method === 'equal') {
    return allocateUnits(total, Array(input.count).fill(1)).map((u) => fromUnits(u, precision));
  }
  if (input.method === 'weights') {
    const weights = input.weights ?? [];
    if (weights.length !== input.count) {
      throw new DistributionError('BAD_INPUT', `expected ${input.count} weights, got ${weights.length}`);
    }
    return allocateUnits(total, weights).map((u) => fromUnits(u, precision));
  }
  const fixed = input.fixed ?? [];
  if (fixed.length !== input.count) {
    throw new DistributionError('BAD_INPUT', `expected ${input.count} values, got ${fixed.length}`);
  }
  const kept = fixed.map((v) => (v === null ? null : toUnits(v, precision)));
  const keptSum = kept.reduce<bigint>((a, v) => a + (v ?? 0n), 0n);
  const rest = total - keptSum;
  const open = kept.flatMap((v, i) => (v === null ? [i] : []));
  if ((total >= 0n && rest < 0n) || (total < 0n && rest > 0n)) {
    throw new DistributionError('FIXED_EXCEEDS_TOTAL', 'the kept values add up to more than the total');
  }
  if (open.length === 0) {
    if (rest !== 0n) throw new DistributionError('NOTHING_TO_SPREAD', 'no part is left to take the rest');
    return kept.map((v) => fromUnits(v ?? 0n, precision));
  }
  const spread = allocateUnits(rest, Array(open.length).fill(1));
  const out = kept.map((v) => v ?? 0n);
  open.forEach((index, j) => {
    out[index] = spread[j] ?? 0n;
  });
  return out.map((u) => fromUnits(u, precision));
}
