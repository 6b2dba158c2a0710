import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formulaCases } from './cases.js';
import { assertCases, type FormulaApi } from './shared-assertions.js';

// The package must run in the browser unchanged: bundle src/index.ts for `platform: 'browser'` and
// run the same shared assertions against the bundle.
const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('browser bundle', () => {
  let dir = '';
  let code = '';
  let imports: string[] = [];
  let api: FormulaApi & { explain: (s: string, scope: Record<string, unknown>) => { value: unknown } };

  beforeAll(async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    code = result.outputFiles[0]?.text ?? '';
    imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    dir = mkdtempSync(join(tmpdir(), 'formula-bundle-'));
    const file = join(dir, 'formula.browser.mjs');
    writeFileSync(file, code);
    api = await import(/* @vite-ignore */ pathToFileURL(file).href);
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds with no Node built-in imports and no Node globals', () => {
    expect(code.length).toBeGreaterThan(10_000);
    expect(imports.filter((p) => nodeBuiltins.has(p))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(["']node:/);
    expect(code).not.toMatch(/\bprocess\.(env|exit|versions)\b/);
    expect(code).not.toMatch(/\bBuffer\.from\(/);
  });

  it('passes the shared assertions', () => {
    expect(formulaCases.length).toBeGreaterThan(20);
    assertCases(api);
  });

  it('explains TIERED from the bundle', () => {
    const e = api.explain('TIERED(c, [0, 0.5, 1], [0.02, 0.05, 0.08], "graduated", 1.5, q)', {
      c: 1_800_000,
      q: 1_000_000,
    });
    expect(e.value).toBe(75_000);
  });
});
