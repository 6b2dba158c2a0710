// Child process of the benchmark: times the very first parse + type-check + compile of the corpus in
// a fresh process (nothing compiled or JIT-warmed yet) and prints one JSON line.
import { performance } from 'node:perf_hooks';

const importStart = performance.now();
const { compile } = await import('../src/index.js');
const { compileCorpus, corpusFields } = await import('./compile-corpus.js');
const importMs = performance.now() - importStart;

const sources = compileCorpus();
const cpuStart = process.cpuUsage();
const start = performance.now();
for (const source of sources) compile(source, corpusFields);
const firstMs = performance.now() - start;
// CPU time of this process (all its threads, the JIT compiler's included): less sensitive to other
// processes on a busy machine than wall time.
const cpu = process.cpuUsage(cpuStart);
console.log(JSON.stringify({ importMs, firstMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
