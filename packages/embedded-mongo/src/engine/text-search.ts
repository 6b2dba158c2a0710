import { fail } from '../errors.js';
import { keyValues } from './paths.js';
import { type Doc, isPlainObject, num } from './values.js';

/**
 * Full-text search for text indexes and `$text`.
 *
 * Tokens are runs of letters, digits and underscores; text in scripts written without spaces
 * (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) is first split into dictionary words by
 * `Intl.Segmenter` (Node's full ICU: 员工名单 → 员工 / 名单). Apostrophes and periods separate
 * tokens ("don't" → don, t). Tokens are lower-cased and stripped of diacritics, as text index version 3 compares
 * (case- and diacritic-insensitive). There is no stemming and there are no stop words in any
 * language: "running" does not find "run", and "the" is a searchable word. A document's score
 * follows mongod's formula: per field, each term scores weight × frequency (1 + ½ + ¼ … for its
 * repeats) × (0.5 × count / tokens in the field + 0.5), with a 10 % boost for a field that is
 * exactly the term; the score of a match is the sum over the query's terms it holds.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Lower case, no diacritics (NFD then combining marks dropped). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Scripts written without spaces between words, which need ICU's dictionary segmentation. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A token: a run of letters, digits and underscores (apostrophes and periods separate tokens). */
const WORD = /[\p{L}\p{N}_]+/gu;

/** The search tokens of a string. */
export function tokenize(s: string): string[] {
  return tokensOfFolded(fold(s));
}

function tokensOfFolded(folded: string): string[] {
  // Most text needs no dictionary: a regular expression is ~40x faster than Intl.Segmenter.
  if (!UNSPACED.test(folded)) return folded.match(WORD) ?? [];
  const out: string[] = [];
  for (const seg of segmenter.segment(folded)) {
    if (!seg.isWordLike) continue;
    // The same word rule inside ICU's words, so a Latin word splits alike on both paths.
    for (const w of seg.segment.match(WORD) ?? []) out.push(w);
  }
  return out;
}

/** Adds the term scores of one string with a weight into `scores`. */
function scoreString(raw: string, weight: number, scores: Map<string, number>): void {
  const folded = fold(raw);
  const tokens = tokensOfFolded(folded);
  if (tokens.length === 0) return;
  // Per term: its count, and its frequency 1 + 1/2 + 1/4 ... (each repeat weighs half the last).
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const whole = tokens.length === 1 ? folded : undefined;
  for (const [term, count] of counts) {
    const freq = 2 - 2 ** (1 - count);
    const coeff = (0.5 * count) / tokens.length + 0.5;
    const adjustment = whole === term ? 1.1 : 1;
    scores.set(term, (scores.get(term) ?? 0) + weight * freq * coeff * adjustment);
  }
}

function allStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) allStrings(x, out);
  else if (isPlainObject(v)) for (const x of Object.values(v)) allStrings(x, out);
}

/** A text index's definition: the weighted fields (`$**` for every string field). */
export interface TextSpec {
  weights: Map<string, number>;
  wildcard: number | undefined;
}

/** Reads the weights of a text index spec (mongod form: `weights`). */
export function textSpecOf(spec: Doc): TextSpec {
  const weights = new Map<string, number>();
  let wildcard: number | undefined;
  for (const [field, w] of Object.entries(isPlainObject(spec.weights) ? spec.weights : {})) {
    if (field === '$**') wildcard = num(w, 1);
    else weights.set(field, num(w, 1));
  }
  return { weights, wildcard };
}

/** The term scores of a document under a text index (empty: the index does not hold it). */
export function documentTerms(spec: TextSpec, doc: Doc): Map<string, number> {
  const scores = new Map<string, number>();
  for (const [field, weight] of spec.weights) {
    for (const v of keyValues(doc, field.split('.'), { multi: false })) {
      if (typeof v === 'string') scoreString(v, weight, scores);
    }
  }
  if (spec.wildcard !== undefined) {
    const strings: string[] = [];
    for (const [k, v] of Object.entries(doc)) if (!spec.weights.has(k)) allStrings(v, strings);
    for (const s of strings) scoreString(s, spec.wildcard, scores);
  }
  return scores;
}

/** The indexed text of a document (for phrase matching). */
export function documentText(spec: TextSpec, doc: Doc): string[] {
  const out: string[] = [];
  for (const field of spec.weights.keys()) {
    for (const v of keyValues(doc, field.split('.'), { multi: false }))
      if (typeof v === 'string') out.push(v);
  }
  if (spec.wildcard !== undefined) allStrings(doc, out);
  return out;
}

/** A parsed `$text` query. */
export interface TextQuery {
  terms: string[];
  negated: string[];
  phrases: string[];
  negatedPhrases: string[];
  caseSensitive: boolean;
  diacriticSensitive: boolean;
}

/** Parses `{ $search, $language, $caseSensitive, $diacriticSensitive }` as mongod does. */
export function parseTextQuery(arg: unknown): TextQuery {
  if (!isPlainObject(arg)) fail(2, '$text expects an object');
  const known = new Set(['$search', '$language', '$caseSensitive', '$diacriticSensitive']);
  for (const k of Object.keys(arg)) if (!known.has(k)) fail(2, `extra fields in $text: ${k}`);
  if (typeof arg.$search !== 'string') fail(2, '$search required and must be a string');
  if (arg.$language !== undefined && typeof arg.$language !== 'string') fail(2, '$language must be a string');
  const q: TextQuery = {
    terms: [],
    negated: [],
    phrases: [],
    negatedPhrases: [],
    caseSensitive: arg.$caseSensitive === true,
    diacriticSensitive: arg.$diacriticSensitive === true,
  };
  // Phrases are "quoted"; a leading minus negates a term or a phrase.
  const re = /(-?)"([^"]*)"|(\S+)/g;
  for (let m = re.exec(arg.$search); m; m = re.exec(arg.$search)) {
    if (m[2] !== undefined) {
      (m[1] ? q.negatedPhrases : q.phrases).push(m[2]);
      if (!m[1]) q.terms.push(...tokenize(m[2]));
    } else {
      const word = m[3]!;
      if (word.startsWith('-') && word.length > 1) q.negated.push(...tokenize(word.slice(1)));
      else q.terms.push(...tokenize(word));
    }
  }
  q.terms = [...new Set(q.terms)];
  return q;
}

/** True when the document's text holds the phrase (case-insensitively unless asked). */
export function hasPhrase(texts: string[], phrase: string, q: TextQuery): boolean {
  const norm = (s: string) => {
    let out = s;
    if (!q.diacriticSensitive) out = out.normalize('NFD').replace(/\p{M}/gu, '');
    return q.caseSensitive ? out : out.toLowerCase();
  };
  const p = norm(phrase);
  return texts.some((t) => norm(t).includes(p));
}

/** The inverted index of a text index: term → document `_id` key → the document's term score. */
export class TextPostings {
  private readonly postings = new Map<string, Map<string, number>>();
  private readonly termsOf = new Map<string, string[]>();

  constructor(readonly spec: TextSpec) {}

  /** Replaces the entries of the document with `_id` key `id` (none when `v` is undefined). */
  update(id: string, v: Doc | undefined): void {
    for (const t of this.termsOf.get(id) ?? []) {
      const p = this.postings.get(t);
      p?.delete(id);
      if (p?.size === 0) this.postings.delete(t);
    }
    this.termsOf.delete(id);
    if (!v) return;
    const scores = documentTerms(this.spec, v);
    if (scores.size === 0) return;
    for (const [t, s] of scores) {
      let p = this.postings.get(t);
      if (!p) {
        p = new Map();
        this.postings.set(t, p);
      }
      p.set(id, s);
    }
    this.termsOf.set(id, [...scores.keys()]);
  }

  clear(): void {
    this.postings.clear();
    this.termsOf.clear();
  }

  /**
   * The documents matching a `$text` query with their scores: any term, every phrase, no
   * negated term or phrase. `docOf` reads a document (evaluation view) by `_id` key.
   */
  search(q: TextQuery, docOf: (id: string) => Doc | undefined): Map<string, number> {
    const scores = new Map<string, number>();
    for (const t of q.terms) {
      for (const [id, s] of this.postings.get(t) ?? []) scores.set(id, (scores.get(id) ?? 0) + s);
    }
    for (const t of q.negated) for (const id of this.postings.get(t)?.keys() ?? []) scores.delete(id);
    if (q.phrases.length || q.negatedPhrases.length || q.caseSensitive || q.diacriticSensitive) {
      for (const id of [...scores.keys()]) {
        const doc = docOf(id);
        const texts = doc ? documentText(this.spec, doc) : [];
        const ok =
          q.phrases.every((p) => hasPhrase(texts, p, q)) &&
          !q.negatedPhrases.some((p) => hasPhrase(texts, p, q)) &&
          // A case- or diacritic-sensitive search needs each term as written somewhere.
          (!(q.caseSensitive || q.diacriticSensitive) || q.terms.some((t) => hasPhrase(texts, t, q)));
        if (!ok) scores.delete(id);
      }
    }
    return scores;
  }
}
