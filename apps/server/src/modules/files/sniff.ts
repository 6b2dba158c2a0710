import { extname } from 'node:path';
import { fileTypeFromBuffer, supportedExtensions, supportedMimeTypes } from 'file-type';
import { type Message, t } from '../../lib/errors.js';

/** How many leading bytes are read before deciding on a file's type (zip-based formats need more than 4 KiB). */
export const SNIFF_BYTES = 64 * 1024;

/** What the uploader claims and what the first bytes show. */
export interface SniffInput {
  /** The file name as uploaded. */
  name: string;
  /** The part's Content-Type as uploaded. */
  declared: string;
  /** The first bytes of the content (up to {@link SNIFF_BYTES}). */
  head: Uint8Array;
}

/** The verdict: the MIME type to store and serve, or why the file is refused. */
export type SniffResult = { ok: true; mime: string; detected: boolean } | { ok: false; reason: Message };

const MIME_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'application/x-zip-compressed': 'application/zip',
  'audio/mp3': 'audio/mpeg',
};
const EXT_ALIASES: Record<string, string> = { jpeg: 'jpg', jpe: 'jpg', tif: 'tiff', mpeg: 'mpg' };
// Containers whose inner format the head may not show: the uploader's more precise claim is kept.
const CONTAINERS = new Set(['application/zip', 'application/x-cfb']);
// Text-based formats file-type recognises only with a declaration; their absence proves nothing.
const TEXTUAL_EXTS = new Set(['xml', 'ics', 'vcf', 'vtt', 'svg']);

const normMime = (mime: string) => {
  const bare = (mime.split(';', 1)[0] ?? '').trim().toLowerCase();
  return MIME_ALIASES[bare] ?? bare;
};
const normExt = (name: string) => {
  const ext = extname(name).slice(1).toLowerCase();
  return EXT_ALIASES[ext] ?? ext;
};
const isTextual = (mime: string) => mime.startsWith('text/') || mime.includes('xml');

/**
 * Decides the real type of an upload from its magic bytes. A claim (Content-Type or file extension)
 * naming a binary format the detector knows must match what the bytes are, so an executable named
 * `photo.png` is refused; content the detector does not know (plain text, CSV) keeps its claimed type,
 * unless the claim is an image or another format that would have been recognised.
 */
export async function sniff(input: SniffInput): Promise<SniffResult> {
  const declared = normMime(input.declared);
  const claimed = declared === '' || declared === 'application/octet-stream' ? '' : declared;
  const ext = normExt(input.name);
  const found = await fileTypeFromBuffer(input.head);
  if (found) {
    const mime = normMime(found.mime);
    if (CONTAINERS.has(mime)) return { ok: true, mime: claimed || mime, detected: true };
    if (claimed && claimed !== mime && (supportedMimeTypes.has(claimed) || claimed.startsWith('image/'))) {
      return { ok: false, reason: t('detail.contentIsNot', { mime, claimed }) };
    }
    if (ext && ext !== (EXT_ALIASES[found.ext] ?? found.ext) && supportedExtensions.has(ext)) {
      return { ok: false, reason: t('detail.contentIsNotExt', { mime, ext }) };
    }
    return { ok: true, mime, detected: true };
  }
  const knownClaim = claimed !== '' && supportedMimeTypes.has(claimed) && !isTextual(claimed);
  const knownExt = ext !== '' && supportedExtensions.has(ext) && !TEXTUAL_EXTS.has(ext);
  if (claimed.startsWith('image/') || knownClaim || knownExt) {
    return {
      ok: false,
      reason: claimed ? t('detail.contentInvalid', { claimed }) : t('detail.contentInvalidExt', { ext }),
    };
  }
  return { ok: true, mime: claimed || 'application/octet-stream', detected: false };
}

/** True when `mime` matches one of the `accept` patterns (`application/pdf`, `image/*`). */
export function accepts(accept: readonly string[] | undefined, mime: string): boolean {
  if (!accept || accept.length === 0) return true;
  return accept.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('/*') ? mime.startsWith(p.slice(0, -1)) : normMime(p) === mime;
  });
}

/**
 * A file name safe to store and echo: no directories, no control characters, at most 255 characters
 * (the schema's limit for file references).
 */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (clean.length <= 255) return clean;
  const ext = extname(clean).slice(0, 20);
  return clean.slice(0, 255 - ext.length) + ext;
}
