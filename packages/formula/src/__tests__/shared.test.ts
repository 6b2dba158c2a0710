import { expect, test } from 'vitest';
import { compile } from '../index.js';
import { formulaCases } from './cases.js';
import { assertCases, type FormulaApi } from './shared-assertions.js';

test('shared cases pass against the source', () => {
  expect(formulaCases.length).toBeGreaterThan(20);
  assertCases({ compile: compile as unknown as FormulaApi['compile'] });
});
