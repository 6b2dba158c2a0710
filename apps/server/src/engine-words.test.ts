import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The engine stays generic (HELPERS.md, ARCHITECTURE.md): the words of the sales-performance pack's
 * domain must not appear in the source of `apps/` and `packages/`. Tests (`*.test.ts`, `__tests__/`, the
 * server's `src/test/` helpers), benchmarks and docs may name them; a sales need becomes a generic
 * capability instead.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const WORDS = /commission|quota|opportunit|salesperson|sales_rep/i;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '__tests__', 'coverage', '.vite']);
const SOURCE = /\.(ts|tsx|mts|js|mjs|json|css|html)$/;
const TEST_ONLY = /\.(test|bench)\.tsx?$|\/src\/test\//;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    const rel = relative(root, path).replaceAll('\\', '/');
    return SOURCE.test(entry.name) && !TEST_ONLY.test(rel) ? [rel] : [];
  });
}

describe('engine source', () => {
  it('names no sales word outside tests and docs', () => {
    const files = [...sourceFiles(join(root, 'apps')), ...sourceFiles(join(root, 'packages'))];
    // The walk reached the engine (a wrong root would pass vacuously).
    expect(files).toContain('apps/server/src/modules/records/write.ts');
    expect(files).toContain('packages/formula/package.json');
    const offending = files.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (WORDS.test(line) ? [`${file}:${i + 1}: ${line.trim().slice(0, 120)}`] : [])),
    );
    expect(offending).toEqual([]);
  });
});
