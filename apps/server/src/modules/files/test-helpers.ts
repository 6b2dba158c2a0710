import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import FormData from 'form-data';
import type { TestApp } from '../../test/app.js';

/** A 1×1 PNG: real image bytes for image fields. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** The start of a Windows executable (what file-type reads as application/x-msdownload). */
export const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]);

/** The body arriving in 64 KiB pieces, one per event-loop turn, as from a slow client. */
function trickle(body: Buffer): Readable {
  return Readable.from(
    (async function* pieces() {
      for (let at = 0; at < body.length; at += 64 * 1024) {
        await tick();
        yield body.subarray(at, at + 64 * 1024);
      }
    })(),
  );
}

/**
 * Uploads `content` as the `file` part of a multipart body to a form's upload route; `slow` streams
 * the body in pieces so the server stores chunks before it has seen the end, `cut` sends only that
 * many bytes of it.
 */
export function upload(
  t: TestApp,
  url: string,
  headers: Record<string, string>,
  content: Buffer,
  filename: string,
  contentType = 'application/octet-stream',
  slow = false,
  cut?: number,
): Promise<LightMyRequestResponse> {
  const body = new FormData();
  body.append('file', content, { filename, contentType });
  const whole = body.getBuffer();
  // A cut-off body: the client went away midway (the closing boundary never arrives).
  const bytes = cut === undefined ? whole : whole.subarray(0, cut);
  return t.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, ...body.getHeaders(), 'content-length': String(bytes.length) },
    payload: slow ? trickle(bytes) : bytes,
  });
}

/** How many GridFS file documents and chunks the store holds. */
export async function gridCounts(t: TestApp): Promise<{ files: number; chunks: number }> {
  const db = t.store.connection.db;
  if (!db) throw new Error('not connected');
  return {
    files: await db.collection('files.files').countDocuments({}),
    chunks: await db.collection('files.chunks').countDocuments({}),
  };
}
