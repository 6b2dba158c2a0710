// Writes docs/formula-reference.md from the function registry (pnpm --filter @formloom/formula run docs).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFormulaReference } from '../src/index.js';

const target = fileURLToPath(new URL('../../../docs/formula-reference.md', import.meta.url));
writeFileSync(target, renderFormulaReference());
console.log(`wrote ${target}`);
