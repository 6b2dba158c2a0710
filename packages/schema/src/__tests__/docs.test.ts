import { beforeAll, describe, expect, it } from 'vitest';
import doc from '../../../../docs/template-format.md?raw';
import { fieldTypes, validateTemplatePack } from '../index.js';

beforeAll(() => {
  validateTemplatePack({});
}, 120_000);

describe('docs/template-format.md', () => {
  it('has an example pack that validates', () => {
    // The whole example pack is the block marked for the docs-examples test as a pack.
    const blocks = [...doc.matchAll(/```json doc-test=pack\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks).toHaveLength(1);
    expect(validateTemplatePack(JSON.parse(blocks[0] ?? ''))).toEqual([]);
  });

  it('lists every registered field type with its UI component in the field-type table', () => {
    for (const def of fieldTypes.values()) {
      // Cells are compared trimmed: the formatter pads markdown tables.
      const cells = doc
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((row) => row[1] === `\`${def.type}\``);
      expect(cells, def.type).toBeDefined();
      expect(cells).toContain(def.component);
      expect(cells?.includes('yes') ?? false, `${def.type} computed`).toBe(def.computed);
    }
  });
});
