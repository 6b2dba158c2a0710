import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The examples of docs/ marked `doc-test=<kind>[:<form>]` on their fence (issue 10, item 17). Two test
// files run them: docs-examples.test.ts (packs, filters, widgets, roles, fields) and
// docs-examples-runs.test.ts (automations and their actions, flows, target measures, report requests,
// dashboards, batch writes, pack records); docs-fences.test.ts runs `error` (the error answer of
// docs/errors.md) and the `curl` commands, and checks that every other fence says why it does not run
// (an answer, an outline, a tree, shell commands, a snippet of server code).

const DOCS = fileURLToPath(new URL('../../../../docs/', import.meta.url));

/** Every kind a fence may name; a fence naming another fails the discovery test. */
export const DOC_TEST_KINDS = [
  'pack',
  'filter',
  'widget',
  'role',
  'roles',
  'fields',
  'automation',
  'action',
  'flow',
  'measure',
  'query',
  'dashboard',
  'batch',
  'records',
  'error',
] as const;

export interface DocExample {
  kind: string;
  /** The part after `:` — for an `action`, the form whose record a run is given. */
  form?: string;
  where: string;
  body: unknown;
}

/** Drops `//` comments outside strings (the docs' jsonc). */
function withoutComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

/**
 * An example's JSON. `fields` examples may list fields without the brackets, as a form's fields read;
 * a `records` example is the `"records": {...}` member of a pack, as the pack shows it.
 */
function parse(kind: string, text: string): unknown {
  const json = withoutComments(text).trim();
  if (kind === 'fields' && !json.startsWith('[')) return JSON.parse(`[${json}]`);
  if (kind === 'records') return JSON.parse(`{${json}}`);
  return JSON.parse(json);
}

/** The marked examples of every page of docs/, with the page and line they start at. */
export function docExamples(): DocExample[] {
  const out: DocExample[] = [];
  for (const file of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(`${DOCS}${file}`, 'utf8');
    for (const match of text.matchAll(/^```jsonc? doc-test=(\w+)(?::(\w+))?\n([\s\S]*?)^```$/gm)) {
      const kind = match[1] as string;
      out.push({
        kind,
        ...(match[2] ? { form: match[2] } : {}),
        where: `docs/${file}:${text.slice(0, match.index).split('\n').length}`,
        body: parse(kind, match[3] as string),
      });
    }
  }
  return out;
}

/** The examples of some kinds as `it.each` rows: `[where, example]`. */
export function examplesOf(found: DocExample[], ...kinds: string[]): Array<readonly [string, DocExample]> {
  return found.filter((e) => kinds.includes(e.kind)).map((e) => [e.where, e] as const);
}
