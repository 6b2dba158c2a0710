import { describe, expect, it } from 'vitest';
import { render } from '../../lib/messages/index.js';
import { contentDisposition } from './download.js';
import { accepts, cleanName, sniff } from './sniff.js';
import { EXE, PNG } from './test-helpers.js';

const JPEG = Buffer.from([
  0xff,
  0xd8,
  0xff,
  0xe0,
  0,
  0x10,
  0x4a,
  0x46,
  0x49,
  0x46,
  0,
  1,
  ...Array(100).fill(0),
]);
// A zip whose first entry is not an Office part: detected as a plain zip container.
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0]), Buffer.alloc(40)]);

describe('sniff', () => {
  it('uses the detected type and tolerates aliases of the claim', async () => {
    expect(await sniff({ name: 'a.jpeg', declared: 'image/jpg', head: JPEG })).toEqual({
      ok: true,
      mime: 'image/jpeg',
      detected: true,
    });
    expect(await sniff({ name: 'a', declared: 'application/octet-stream', head: PNG })).toMatchObject({
      ok: true,
      mime: 'image/png',
    });
  });

  it('refuses content that contradicts a recognisable claim', async () => {
    const reason = async (input: Parameters<typeof sniff>[0]) => {
      const verdict = await sniff(input);
      return verdict.ok ? undefined : render(verdict.reason, 'en');
    };
    expect(await reason({ name: 'a.png', declared: 'image/png', head: EXE })).toBe(
      'the content is application/x-msdownload, not image/png',
    );
    expect(await reason({ name: 'a.pdf', declared: '', head: PNG })).toBe(
      'the content is image/png, not a .pdf file',
    );
    expect((await sniff({ name: 'a.png', declared: 'image/png', head: Buffer.from('hello') })).ok).toBe(
      false,
    );
    expect((await sniff({ name: 'a.docx', declared: '', head: Buffer.from('hello') })).ok).toBe(false);
  });

  it('keeps the claim for text and for the precise type of zip containers', async () => {
    const csv = await sniff({
      name: 'a.csv',
      declared: 'text/csv; charset=utf-8',
      head: Buffer.from('a,b\n1,2'),
    });
    expect(csv).toEqual({ ok: true, mime: 'text/csv', detected: false });
    const xml = await sniff({ name: 'a.xml', declared: 'application/xml', head: Buffer.from('<a/>') });
    expect(xml).toMatchObject({ ok: true, mime: 'application/xml' });
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect(await sniff({ name: 'a.docx', declared: docx, head: ZIP })).toMatchObject({
      ok: true,
      mime: docx,
    });
    expect(await sniff({ name: 'a.zip', declared: '', head: ZIP })).toMatchObject({
      mime: 'application/zip',
    });
    expect(await sniff({ name: 'blob', declared: '', head: Buffer.from('x') })).toMatchObject({
      mime: 'application/octet-stream',
    });
  });
});

describe('accepts, names and dispositions', () => {
  it('matches exact types and wildcards', () => {
    expect(accepts(undefined, 'x/y')).toBe(true);
    expect(accepts(['image/*'], 'image/png')).toBe(true);
    expect(accepts(['image/*', 'application/pdf'], 'application/pdfx')).toBe(false);
    expect(accepts(['image/jpg'], 'image/jpeg')).toBe(true);
  });

  it('strips directories and control characters and keeps the extension of long names', () => {
    expect(cleanName('C:\\Users\\me\\a\u0000b.txt')).toBe('ab.txt');
    expect(cleanName('../../etc/passwd')).toBe('passwd');
    const long = cleanName(`${'x'.repeat(400)}.pdf`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('writes RFC 6266 dispositions with an ASCII fallback', () => {
    expect(contentDisposition('a b.pdf', false)).toBe('attachment; filename="a b.pdf"');
    expect(contentDisposition('报价单 "v2".pdf', false)).toBe(
      `attachment; filename="___ _v2_.pdf"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%20%22v2%22.pdf`,
    );
    expect(contentDisposition("it's.png", true)).toBe(`inline; filename="it's.png"`);
  });
});
