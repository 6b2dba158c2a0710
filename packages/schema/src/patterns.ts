import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

/**
 * Regular expressions written by users (a field's `validation.pattern`) run with RE2 semantics through
 * re2js, a pure-JavaScript port of RE2, in the server and the browser alike: matching takes time linear in
 * the text, so `^(a+)+$` cannot stall every tenant's requests (with JavaScript's RegExp a 28-character
 * value took 3.1 s, doubling per character). RE2 has no lookarounds and no backreferences: patterns that
 * need them are refused when a form is published.
 */
export const LINEAR_REGEX_FORMAT = 'linear-regex';

const cache = new Map<string, RE2JS | null>();
const CACHE_LIMIT = 500;

/**
 * The pattern compiled with RE2 semantics (JavaScript syntax such as `\u4e00` or `(?<name>…)` is
 * translated first), or null when RE2 cannot run it.
 */
export function compileLinearPattern(source: string): RE2JS | null {
  if (cache.has(source)) return cache.get(source) ?? null;
  let compiled: RE2JS | null;
  try {
    compiled = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch {
    compiled = null;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** True when RE2 can run the pattern (in linear time). */
export function isLinearPattern(source: string): boolean {
  return compileLinearPattern(source) !== null;
}

/**
 * What ajv gets for one pattern. ajv shares compiled patterns by `toString()`, so it names the pattern. A
 * pattern RE2 cannot run matches nothing: a form stored before this check refuses values (400), never stalls.
 */
function linearTester(pattern: string): { test(text: string): boolean; toString(): string } {
  const compiled = compileLinearPattern(pattern);
  return {
    test: compiled ? (text: string) => compiled.test(text) : () => false,
    toString: () => `re2:${pattern}`,
  };
}

/**
 * ajv's regular-expression engine (option `code.regExp`) for every `pattern` keyword: unanchored search,
 * like RegExp.prototype.test, with RE2 semantics.
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => linearTester(pattern), {
  code: 'linearRegExp',
});
