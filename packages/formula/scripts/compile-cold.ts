// Child process of the benchmark: times the very first parse + type-check + compile of the corpus in
// a fresh process (nothing compiled or JIT-warmed yet) and prints one JSON line.
import { performance } from 'node:perf_hooks';

const importStart = performance.now();
const { compile } = await import('../src/index.js');
const { compileCorpus, corpusFields } = await import('./compile-corpus.js');
const importMs = performance.now() - importStart;

const sources = compileCorpus();
const start = performance.now();
for (const source of sources) compile(source, corpusFields);
const firstMs = performance.now() - start;
console.log(JSON.stringify({ importMs, firstMs }));
