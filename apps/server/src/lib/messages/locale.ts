import type { Locale } from '@formloom/schema';

/** Longest header read; a client sending more gets the default rather than costing parse time. */
const MAX_HEADER = 500;

/**
 * The locale of the server's answers from an `Accept-Language` header (RFC 9110 §12.5.4): the
 * highest-weighted range that names Chinese (any `zh` tag: the app ships simplified Chinese only) or
 * English wins, in the header's order on equal weights; `*`, other languages or no header give English.
 */
export function pickLocale(header: string | readonly string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_HEADER) return 'en';
  let best: { locale: Locale; q: number } | undefined;
  for (const part of value.split(',')) {
    const [range = '', ...options] = part.trim().split(';');
    const tag = range.trim().toLowerCase();
    const locale: Locale | undefined =
      tag === 'zh' || tag.startsWith('zh-')
        ? 'zh-CN'
        : tag === 'en' || tag.startsWith('en-')
          ? 'en'
          : undefined;
    if (!locale) continue;
    const qOption = options.map((o) => o.trim()).find((o) => o.startsWith('q='));
    const q = qOption ? Number(qOption.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { locale, q };
  }
  return best?.locale ?? 'en';
}
