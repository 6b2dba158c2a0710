import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSetup } from '../modules/auth/test-helpers.js';
import { label } from '../modules/records/test-fixtures.js';
import { createTestApp, type TestApp } from '../test/app.js';

// docs/api.md shows a TypeScript client generated from the OpenAPI document. This test generates the
// client's types from the running server's document, type-checks the docs' example against them and runs
// it against the server: the example in the docs is code that works.
const here = dirname(fileURLToPath(import.meta.url));
const serverDir = resolve(here, '../..');
const apiDoc = resolve(serverDir, '../../docs/api.md');

function docsExample(): string {
  const text = readFileSync(apiDoc, 'utf8');
  const match = /```ts client-example\n([\s\S]*?)```/.exec(text);
  if (!match?.[1]) throw new Error('docs/api.md has no ```ts client-example block');
  return match[1];
}

let t: TestApp;
let dir: string;
let baseUrl: string;
let owner: Awaited<ReturnType<typeof runSetup>>;
let form: string;

beforeAll(async () => {
  t = await createTestApp({}, { pollJobs: false });
  owner = await runSetup(t.app);
  const app = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${owner.workspaceId}/apps`,
    headers: owner.headers,
    payload: { key: 'sales', name: label('Sales') },
  });
  expect(app.statusCode, app.body).toBe(201);
  const created = await t.app.inject({
    method: 'POST',
    url: `/api/v1/workspaces/${owner.workspaceId}/apps/${app.json().id}/forms`,
    headers: owner.headers,
    payload: {
      key: 'orders',
      name: label('Orders'),
      fields: [
        { key: 'customer', type: 'text', label: label('Customer') },
        { key: 'amount', type: 'number', label: label('Amount') },
      ],
    },
  });
  expect(created.statusCode, created.body).toBe(201);
  form = created.json().id;
  baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  dir = mkdtempSync(join(serverDir, '.client-example-'));
});
afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

describe('the generated TypeScript client of docs/api.md', () => {
  it('type-checks against the types generated from the document and runs against the server', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    writeFileSync(join(dir, 'formloom-api.d.ts'), astToString(await openapiTS(document)));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const source = docsExample();
    writeFileSync(join(dir, 'example.ts'), source);

    const program = ts.createProgram([join(dir, 'example.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);

    const js = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
    writeFileSync(join(dir, 'example.mjs'), js);
    const example = (await import(pathToFileURL(join(dir, 'example.mjs')).href)) as {
      latestRecords(baseUrl: string, token: string, ws: string, form: string): Promise<unknown[]>;
    };
    const records = await example.latestRecords(baseUrl, owner.token, owner.workspaceId, form);
    expect(records).toEqual([{ customer: 'ACME', amount: 1200 }]);
  });
});
