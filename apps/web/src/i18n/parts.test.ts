import { describe, expect, it } from 'vitest';
import en from './en.json' with { type: 'json' };
import { CORE_AREAS, textsPart } from './text-parts';
import zhCN from './zh-CN.json' with { type: 'json' };

// The two chunks of a language's texts (index.ts) must together be its whole file.
describe('the texts of a language, split in a core and a rest part', () => {
  for (const [language, file] of [
    ['en', en],
    ['zh-CN', zhCN],
  ] as const) {
    it(`hold every area of ${language} once, with its texts`, () => {
      const core = textsPart(file, 'core');
      const rest = textsPart(file, 'rest');
      expect(Object.keys(core).filter((area) => area in rest)).toEqual([]);
      expect({ ...core, ...rest }).toEqual(file);
      expect(Object.keys(core).sort()).toEqual([...CORE_AREAS].sort());
      expect(Object.keys(rest).length).toBeGreaterThan(10);
    });
  }
});
