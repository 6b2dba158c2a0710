import { toNumber } from './values.js';

/** A compiled sub-expression. */
export type Evaluator<C> = (c: C) => unknown;

/** What the fast paths need from the evaluation context. */
interface HasScope {
  readonly scope: Readonly<Record<string, unknown>>;
}

/** An operand that can be read without a closure call: a number constant or a flat number field. */
export interface DirectOperand {
  readonly constant?: number;
  readonly field?: string;
}

const num = (v: unknown, pos: number): number => (typeof v === 'number' ? v : toNumber(v, pos));

/**
 * Closures for arithmetic and comparisons whose operands are constants or flat number fields
 * (`price * qty`, `x * 0.9`, `1 - discount`, `qty > 10`): the operand is read in place instead of
 * through a closure call, saving a call and a boxed number each. Each operator has its own closure
 * body so V8 sees the operator literally. Reading a field directly is safe: anything that is not a
 * number (a function included) goes through toNumber, which refuses it. Returns undefined when no
 * shortcut applies, and never for division or comparisons other than the listed shapes.
 */
export function directOperands<C extends HasScope>(
  op: string,
  l: Evaluator<C>,
  r: Evaluator<C>,
  left: DirectOperand,
  right: DirectOperand,
  pos: number,
): Evaluator<C> | undefined {
  const lk = left.constant ?? 0;
  const rk = right.constant ?? 0;
  const lf = left.field ?? '';
  const rf = right.field ?? '';
  const lKind = left.constant !== undefined ? 'k' : left.field !== undefined ? 'f' : 'e';
  const rKind = right.constant !== undefined ? 'k' : right.field !== undefined ? 'f' : 'e';
  const shape = `${lKind}${op}${rKind}`;
  switch (shape) {
    case 'f+f':
      return (c) => num(c.scope[lf], pos) + num(c.scope[rf], pos);
    case 'f-f':
      return (c) => num(c.scope[lf], pos) - num(c.scope[rf], pos);
    case 'f*f':
      return (c) => num(c.scope[lf], pos) * num(c.scope[rf], pos);
    case 'f+k':
      return (c) => num(c.scope[lf], pos) + rk;
    case 'f-k':
      return (c) => num(c.scope[lf], pos) - rk;
    case 'f*k':
      return (c) => num(c.scope[lf], pos) * rk;
    case 'k+f':
      return (c) => lk + num(c.scope[rf], pos);
    case 'k-f':
      return (c) => lk - num(c.scope[rf], pos);
    case 'k*f':
      return (c) => lk * num(c.scope[rf], pos);
    case 'f+e':
      return (c) => num(c.scope[lf], pos) + num(r(c), pos);
    case 'f-e':
      return (c) => num(c.scope[lf], pos) - num(r(c), pos);
    case 'f*e':
      return (c) => num(c.scope[lf], pos) * num(r(c), pos);
    case 'e+f':
      return (c) => num(l(c), pos) + num(c.scope[rf], pos);
    case 'e-f':
      return (c) => num(l(c), pos) - num(c.scope[rf], pos);
    case 'e*f':
      return (c) => num(l(c), pos) * num(c.scope[rf], pos);
    case 'e+k':
      return (c) => num(l(c), pos) + rk;
    case 'e-k':
      return (c) => num(l(c), pos) - rk;
    case 'e*k':
      return (c) => num(l(c), pos) * rk;
    case 'k+e':
      return (c) => lk + num(r(c), pos);
    case 'k-e':
      return (c) => lk - num(r(c), pos);
    case 'k*e':
      return (c) => lk * num(r(c), pos);
    case 'f/k':
      return rk === 0 ? undefined : (c) => num(c.scope[lf], pos) / rk;
    case 'e/k':
      return rk === 0 ? undefined : (c) => num(l(c), pos) / rk;
    case 'f/f':
      return undefined;
    case 'f==k':
      return (c) => num(c.scope[lf], pos) === rk;
    case 'f!=k':
      return (c) => num(c.scope[lf], pos) !== rk;
    case 'f<k':
      return (c) => num(c.scope[lf], pos) < rk;
    case 'f<=k':
      return (c) => num(c.scope[lf], pos) <= rk;
    case 'f>k':
      return (c) => num(c.scope[lf], pos) > rk;
    case 'f>=k':
      return (c) => num(c.scope[lf], pos) >= rk;
    case 'e==k':
      return (c) => num(l(c), pos) === rk;
    case 'e!=k':
      return (c) => num(l(c), pos) !== rk;
    case 'e<k':
      return (c) => num(l(c), pos) < rk;
    case 'e<=k':
      return (c) => num(l(c), pos) <= rk;
    case 'e>k':
      return (c) => num(l(c), pos) > rk;
    case 'e>=k':
      return (c) => num(l(c), pos) >= rk;
    case 'f==f':
      return (c) => num(c.scope[lf], pos) === num(c.scope[rf], pos);
    case 'f!=f':
      return (c) => num(c.scope[lf], pos) !== num(c.scope[rf], pos);
    case 'f<f':
      return (c) => num(c.scope[lf], pos) < num(c.scope[rf], pos);
    case 'f<=f':
      return (c) => num(c.scope[lf], pos) <= num(c.scope[rf], pos);
    case 'f>f':
      return (c) => num(c.scope[lf], pos) > num(c.scope[rf], pos);
    case 'f>=f':
      return (c) => num(c.scope[lf], pos) >= num(c.scope[rf], pos);
    default:
      return undefined;
  }
}
