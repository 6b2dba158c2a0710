import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup, type Session } from './modules/auth/test-helpers.js';
import { createTestApp, type TestApp } from './test/app.js';
import { docCaller, docPack, field, label } from './test/docs-fixture.js';

// Every code fence of docs/*.md and README.md says what it is (issue 10, item 17), so an example one can
// send is never left untested by accident:
//   doc-test=<kind>   runs: docs-examples.test.ts and docs-examples-runs.test.ts (JSON bodies), and this
//                     file (`curl` commands, the `error` answer of docs/errors.md)
//   client-example    runs: openapi/client-example.test.ts compiles and calls it
// and the fences that are not something one can send, each for its reason:
//   answer    what the API gives back, written with `…` for ids and times (the matching request runs)
//   outline   a format sketched with `...` or `|` between choices, not a value one could send
//   tree      a file or pipeline layout
//   shell     commands to a shell of one's own machine (install, start, generate a client)
//   snippet   code inside the server or a test, naming variables of its surroundings (the code it shows
//             is the code of the modules it names, which their own tests run)

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOT_RUN = ['answer', 'outline', 'tree', 'shell', 'snippet'] as const;

interface Fence {
  where: string;
  info: string;
  body: string;
}

function fences(): Fence[] {
  const files = [
    ...readdirSync(`${ROOT}docs`)
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
    'README.md',
  ];
  const out: Fence[] = [];
  for (const file of files) {
    const lines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(.*)$/.exec(lines[i] as string);
      if (!open) continue;
      const end = lines.findIndex((line, j) => j > i && line === '```');
      out.push({
        where: `${file}:${i + 1}`,
        info: (open[1] as string).trim(),
        body: lines.slice(i + 1, end).join('\n'),
      });
      i = end;
    }
  }
  return out;
}

const all = fences();

describe('the code fences of the docs', () => {
  it('are found', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  it.each(all.map((f) => [f.where, f] as const))('%s says whether it runs, and why not', (_where, fence) => {
    const words = fence.info.split(/\s+/).slice(1);
    const runs = words.some((w) => w.startsWith('doc-test=') || w === 'client-example');
    const reason = words.find((w) => (NOT_RUN as readonly string[]).includes(w));
    expect(runs || reason !== undefined, `${fence.where} \`\`\`${fence.info}`).toBe(true);
    if (!runs && reason === 'shell') expect(fence.info).toMatch(/^(bash|sh) /);
  });
});

/** A curl command of the docs: method, path (after $BASE), headers and body. */
function parseCurl(text: string) {
  const line = text.replace(/\\\n/g, ' ');
  const method = /-X (\w+)/.exec(line)?.[1] ?? 'GET';
  const url = /"\$BASE([^"]+)"/.exec(line)?.[1] ?? '';
  const headers: Record<string, string> = {};
  for (const m of line.matchAll(/-H (?:'([^']*)'|"([^"]*)")/g)) {
    const [name, ...value] = (m[1] ?? m[2] ?? '').split(':');
    headers[(name as string).trim().toLowerCase()] = value.join(':').trim();
  }
  const body = /-d '([^']*)'/.exec(line)?.[1];
  return { method, url, headers, body };
}

describe('curl commands of the docs (doc-test=curl)', () => {
  let t: TestApp;
  let owner: Session & { workspaceId: string };
  let form: string;
  beforeAll(async () => {
    t = await createTestApp();
    owner = await runSetup(t.app);
    const fixture = await docCaller(t.app, owner).importPack(docPack());
    expect(fixture.statusCode, fixture.body).toBe(201);
    form = fixture.json().forms.deals;
  });
  afterAll(async () => t?.close());

  const curls = all.filter((f) => f.info.split(/\s+/).includes('doc-test=curl'));

  it('are marked somewhere', () => {
    expect(curls.length).toBeGreaterThan(0);
  });

  it.each(curls.map((f) => [f.where, f] as const))(
    '%s runs, and a second run is the same answer',
    async (_w, f) => {
      const { method, url, headers, body } = parseCurl(f.body);
      const vars: Record<string, string> = { WS: owner.workspaceId, FORM: form, TOKEN: owner.token };
      const filled = (s: string) => s.replace(/\$([A-Z]+)/g, (_, name: string) => vars[name] ?? `$${name}`);
      const send = () =>
        t.app.inject({
          method: method as 'POST',
          url: filled(url),
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, filled(v)])),
          ...(body === undefined ? {} : { payload: body }),
        });
      const first = await send();
      expect(first.statusCode, first.body).toBeLessThan(300);
      if (headers['idempotency-key']) {
        const again = await send();
        expect(again.body).toBe(first.body);
        expect(again.headers['idempotent-replayed']).toBe('true');
      }
    },
  );
});

describe('the error answer of docs/errors.md (doc-test=error)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const answers = all.filter((f) => f.info.split(/\s+/).includes('doc-test=error'));

  it('is what a zh-CN client reads for a record under the minimum', async () => {
    expect(answers).toHaveLength(1);
    const owner = await runSetup(t.app);
    const { call } = docCaller(t.app, owner);
    const app = await call('POST', '/apps', { key: 'errs', name: label('Errors') });
    const form = await call('POST', `/apps/${app.json().id}/forms`, {
      key: 'orders',
      name: label('Orders'),
      fields: [field('amount', 'number', { validation: { min: 0 } })],
    });
    expect(form.statusCode, form.body).toBe(201);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspaces/${owner.workspaceId}/forms/${form.json().id}/records`,
      headers: { ...owner.headers, 'accept-language': 'zh-CN' },
      payload: { data: { amount: -1 } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(JSON.parse((answers[0] as Fence).body));
  });
});
