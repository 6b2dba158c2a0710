/**
 * Files benchmark: uploading and downloading an 8 MiB file through the HTTP routes (multipart parsing,
 * magic-byte check, acknowledged chunk writes, the access check and the audit entry), as a ratio to
 * writing and reading the same bytes straight through the driver's GridFSBucket in the same run; and a
 * record update swapping its file (detach + attach) as a ratio to an update changing only text.
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
    fields: [
      { key: 'file', type: 'attachment', label: label('File') },
      { key: 'note', type: 'text', label: label('Note') },
    ],
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

  // Updates through the route: one changing only text, one swapping the file (the dropped one is
  // detached, the other attached again: both follow-up steps of settleFiles run every round).
  const spare = await upload(t, `${base}/forms/${form.id}/files?field=file`, owner.headers, content, 'b.bin');
  const files = [last, spare.json() as { id: string }];
  let v = 1;
  const patch = async (data: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `${base}/forms/${form.id}/records/${record.id}`,
      headers: owner.headers,
      payload: { v, data },
    });
    if (res.statusCode !== 200) throw new Error(`update: ${res.statusCode} ${res.body}`);
    v = (res.json() as { v: number }).v;
  };
  const UPDATES = ROUNDS * 25;
  let round = 0;
  const plainUpdate = await time(UPDATES, () => patch({ note: `n${round++}` }));
  const swapUpdate = await time(UPDATES, () => patch({ file: [files[round++ % 2]] }));

  // The floor of what a swap adds: two guarded updateMany calls on the file documents, in parallel.
  const { Types } = await import('mongoose');
  const docs = t.store.connection.db?.collection('files.files');
  const ids = files.map((f) => new Types.ObjectId(f.id));
  const bare = await time(UPDATES, async () => {
    await Promise.all(
      ids.map((_id) =>
        docs?.updateMany(
          { _id: { $in: [_id] }, 'metadata.recordV': { $not: { $gte: 1e9 } } },
          { $set: { 'metadata.benchV': round++ } },
        ),
      ),
    );
  });

  const mbps = (ms: number) => (SIZE / 1024 / 1024 / (ms / 1000)).toFixed(1);
  console.info(`files bench: ${ROUNDS} rounds of ${SIZE / 1024 / 1024} MiB on the ${t.store.kind} store`);
  console.info(
    `  upload   GridFS direct ${direct.toFixed(0)} ms (${mbps(direct)} MiB/s) | HTTP ${http.toFixed(0)} ms (${mbps(http)} MiB/s) | ratio ${(http / direct).toFixed(2)}`,
  );
  console.info(
    `  download GridFS direct ${directRead.toFixed(0)} ms (${mbps(directRead)} MiB/s) | HTTP ${httpRead.toFixed(0)} ms (${mbps(httpRead)} MiB/s) | ratio ${(httpRead / directRead).toFixed(2)}`,
  );
  console.info(
    `  update   text only ${plainUpdate.toFixed(2)} ms | swapping the file (detach + attach) ${swapUpdate.toFixed(2)} ms | ratio ${(swapUpdate / plainUpdate).toFixed(2)} (${UPDATES} each)`,
  );
  console.info(
    `  swap adds ${(swapUpdate - plainUpdate).toFixed(2)} ms; two bare guarded updateMany in parallel take ${bare.toFixed(2)} ms | ratio ${((swapUpdate - plainUpdate) / bare).toFixed(2)}`,
  );
} finally {
  await t.close();
}
