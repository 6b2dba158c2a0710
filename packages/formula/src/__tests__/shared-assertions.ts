import { expect } from 'vitest';
import { CASE_NOW, failingCases, formulaCases } from './cases.js';

/** The slice of the public API the shared assertions need, so a bundle can be passed in too. */
export interface FormulaApi {
  compile(
    source: string,
    fields: Readonly<Record<string, string>>,
    options?: Readonly<Record<string, unknown>>,
  ): { evaluate(scope: Readonly<Record<string, unknown>>, options?: { now?: Date }): unknown };
}

/** Runs every shared case against an implementation of the API. */
export function assertCases(api: FormulaApi): void {
  for (const c of formulaCases) {
    const resultKind = c.fields && Object.values(c.fields).includes('money') ? { resultKind: 'money' } : {};
    const value = api
      .compile(c.formula, c.fields ?? {}, resultKind)
      .evaluate(c.scope ?? {}, { now: CASE_NOW });
    expect({ formula: c.formula, value }).toEqual({ formula: c.formula, value: c.expected });
  }
  for (const c of failingCases) {
    let caught: unknown;
    try {
      api.compile(c.formula, c.fields ?? {}).evaluate({}, { now: CASE_NOW });
    } catch (error) {
      caught = error;
    }
    const e = caught as { name?: string; code?: string; position?: number } | undefined;
    expect({ formula: c.formula, name: e?.name, code: e?.code, position: e?.position }).toEqual({
      formula: c.formula,
      name: 'FormulaError',
      code: c.code,
      position: c.position,
    });
  }
}
