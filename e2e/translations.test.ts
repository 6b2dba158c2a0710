import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../apps/web/src/i18n/en.json' with { type: 'json' };
import zhCN from '../apps/web/src/i18n/zh-CN.json' with { type: 'json' };
import { REPO_ROOT } from './helpers/server.js';

// Not a browser test, but it guards what the browser shows: a key missing in one language renders as
// the raw key, which no screenshot review catches in the language nobody looked at.

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return Promise.resolve(/\.tsx?$/.test(entry.name) ? [path] : []);
    }),
  );
  return nested.flat();
}

// Plural forms follow i18next's suffixes and each language's CLDR categories: English says `_one` and
// `_other`, Chinese has only `_other`. A key is the same text in both languages once its suffix is set aside.
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');

describe('web translations', () => {
  const english = flatten(en);
  const chinese = flatten(zhCN);
  const bases = (texts: Map<string, string>) => [...new Set([...texts.keys()].map(base))].sort();

  it('have the same keys in en and zh-CN, none empty', () => {
    expect(bases(chinese)).toEqual(bases(english));
    for (const [key, text] of [...english, ...chinese]) expect(text.trim(), key).not.toBe('');
  });

  it('say plurals with i18next plural forms: en has one and other, zh-CN other only, never "(s)"', () => {
    for (const [key, text] of english) expect(text, key).not.toMatch(/\w\(s\)/);
    for (const key of english.keys()) {
      if (!PLURAL.test(key)) continue;
      expect(english.has(`${base(key)}_one`) && english.has(`${base(key)}_other`), key).toBe(true);
      expect(chinese.has(`${base(key)}_other`), key).toBe(true);
      expect(chinese.has(`${base(key)}_one`), key).toBe(false);
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) {
      // The singular may say "a task" instead of "1 task"; everything else it names, Chinese names too.
      const theirs = placeholders(chinese.get(key.replace(/_one$/, '_other')) ?? '');
      if (key.endsWith('_one')) for (const name of placeholders(text)) expect(theirs, key).toContain(name);
      else expect(theirs, key).toEqual(placeholders(text));
    }
  });

  it('define every literal key the web source asks for', async () => {
    const files = await sourceFiles(join(REPO_ROOT, 'apps/web/src'));
    const used = new Set<string>();
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([\w.-]+)'/g)) if (match[1]) used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(20);
    const defined = new Set(bases(english));
    const missing = [...used].filter((key) => !defined.has(key));
    expect(missing).toEqual([]);
  });
});
