/**
 * Files benchmark: uploading and downloading an 8 MiB file through the HTTP routes (multipart parsing,
 * magic-byte check, acknowledged chunk writes, the access check and the audit entry), as a ratio to
 * writing and reading the same bytes straight through the driver's GridFSBucket in the same run.
 * Run: `node --conditions=source --import tsx apps/server/src/modules/files/files.bench.ts`.
 */

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTestApp } from '../../test/app.js';
import { runSetup } from '../auth/test-helpers.js';
import { fileBucket } from './model.js';
import { upload } from './test-helpers.js';

const SIZE = 8 * 1024 * 1024;
const ROUNDS = Number(process.env.BENCH_FILE_ROUNDS ?? 8);
const label = (en: string) => ({ en });

async function time(rounds: number, run: () => Promise<void>): Promise<number> {
  await run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await run();
  return (performance.now() - start) / rounds;
}

const t = await createTestApp({ RATE_LIMIT_MAX: '1000000' });
try {
  const owner = await runSetup(t.app);
  const base = `/api/v1/workspaces/${owner.workspaceId}`;
  const post = async (url: string, payload: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `${base}${url}`,
      headers: owner.headers,
      payload: payload as object,
    });
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { id: string };
  };
  const app = await post('/apps', { key: 'bench', name: label('Bench') });
  const form = await post(`/apps/${app.id}/forms`, {
    key: 'docs',
    name: label('Docs'),
    fields: [{ key: 'file', type: 'attachment', label: label('File') }],
  });
  const content = randomBytes(SIZE);
  const bucket = fileBucket(t.store.connection);

  const direct = await time(ROUNDS, async () => {
    await pipeline(Readable.from([content]), bucket.openUploadStream('direct.bin'));
  });
  let last = { id: '' };
  const http = await time(ROUNDS, async () => {
    const res = await upload(
      t,
      `${base}/forms/${form.id}/files?field=file`,
      owner.headers,
      content,
      'http.bin',
    );
    if (res.statusCode !== 201) throw new Error(`upload: ${res.statusCode} ${res.body}`);
    last = res.json();
  });
  const record = await post(`/forms/${form.id}/records`, { data: { file: [last] } });

  const directRead = await time(ROUNDS, async () => {
    for await (const _ of bucket.openDownloadStream(new (await import('mongoose')).Types.ObjectId(last.id))) {
      // drain
    }
  });
  const httpRead = await time(ROUNDS, async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `${base}/forms/${form.id}/records/${record.id}/files/${last.id}`,
      headers: owner.headers,
    });
    if (res.rawPayload.length !== SIZE) throw new Error(`download: ${res.statusCode}`);
  });

  const mbps = (ms: number) => (SIZE / 1024 / 1024 / (ms / 1000)).toFixed(1);
  console.info(`files bench: ${ROUNDS} rounds of ${SIZE / 1024 / 1024} MiB on the ${t.store.kind} store`);
  console.info(
    `  upload   GridFS direct ${direct.toFixed(0)} ms (${mbps(direct)} MiB/s) | HTTP ${http.toFixed(0)} ms (${mbps(http)} MiB/s) | ratio ${(http / direct).toFixed(2)}`,
  );
  console.info(
    `  download GridFS direct ${directRead.toFixed(0)} ms (${mbps(directRead)} MiB/s) | HTTP ${httpRead.toFixed(0)} ms (${mbps(httpRead)} MiB/s) | ratio ${(httpRead / directRead).toFixed(2)}`,
  );
} finally {
  await t.close();
}
