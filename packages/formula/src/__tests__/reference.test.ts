import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  defaultRegistry,
  FormulaError,
  FunctionRegistry,
  functionSyntax,
  renderFormulaReference,
} from '../index.js';

describe('docs/formula-reference.md', () => {
  it('is exactly what the registry generates (run `pnpm --filter @formloom/formula run docs`)', () => {
    const path = fileURLToPath(new URL('../../../../docs/formula-reference.md', import.meta.url));
    expect(readFileSync(path, 'utf8')).toBe(renderFormulaReference());
  });

  it('lists every registered function with its syntax and both languages', () => {
    const doc = renderFormulaReference();
    for (const def of defaultRegistry.list()) {
      expect(doc).toContain(`#### ${def.name}\n`);
      expect(doc).toContain(functionSyntax(def));
      expect(doc).toContain(def.description['zh-CN']);
    }
  });
});

describe('FunctionRegistry', () => {
  it('throws on a duplicate name, case-insensitively', () => {
    const registry = defaultRegistry.clone();
    const sum = registry.get('sum');
    expect(sum).toBeDefined();
    if (!sum) return;
    expect(() => registry.register({ ...sum, name: 'Sum' })).toThrow(FormulaError);
  });

  it('a custom registry adds functions without touching the default one', () => {
    const registry = new FunctionRegistry().register({
      name: 'DOUBLE',
      category: 'math',
      params: [{ name: 'x', type: 'number' }],
      returns: 'number',
      description: { en: 'Twice x.', 'zh-CN': 'x 的两倍。' },
      examples: [{ formula: 'DOUBLE(2)', result: 4 }],
      impl: (args) => Number(args[0]) * 2,
    });
    expect(registry.get('double')?.name).toBe('DOUBLE');
    expect(defaultRegistry.get('DOUBLE')).toBeUndefined();
    expect(renderFormulaReference(registry)).toContain('`DOUBLE(x)`');
  });
});
