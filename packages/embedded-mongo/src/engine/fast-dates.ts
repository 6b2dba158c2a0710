/**
 * Dates for the compiled fast path: `$dateToString` of an instant in an IANA time zone and strict ISO
 * `$dateFromString`, equal to what mingo (and MongoDB) answer for the inputs they accept, and fast enough to
 * run per document (zone offsets are computed once per UTC day, or per quarter hour on days the offset
 * changes; day texts once per local day).
 */

const DAY_MS = 86_400_000;
const QUARTER_HOUR_MS = 900_000;

/** A zone's offset from UTC at an instant, in milliseconds (local wall time − UTC). */
type OffsetOf = (ms: number) => number;

const FIXED = /^([+-])(\d{2}):?(\d{2})?$/;

function intlOffset(timeZone: string): OffsetOf | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const exact = (ms: number): number => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(ms))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      parts.year as number,
      (parts.month as number) - 1,
      parts.day as number,
      parts.hour as number,
      parts.minute as number,
      parts.second as number,
    );
    return wall - (ms - (((ms % 1000) + 1000) % 1000));
  };
  // Offsets change at most at quarter hours, and on a few days a year. A UTC day whose two ends agree has
  // one offset all day (two exact reads per day of data); a day with a change is cached per quarter hour.
  const quarters = new Map<number, number>();
  const quarter = (ms: number): number => {
    const slot = Math.floor(ms / QUARTER_HOUR_MS);
    const known = quarters.get(slot);
    if (known !== undefined) return known;
    const start = exact(slot * QUARTER_HOUR_MS);
    if (start !== exact(slot * QUARTER_HOUR_MS + QUARTER_HOUR_MS - 1000)) return exact(ms);
    if (quarters.size > 100_000) quarters.clear();
    quarters.set(slot, start);
    return start;
  };
  const days = new Map<number, number | null>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let known = days.get(day);
    if (known === undefined) {
      const start = exact(day * DAY_MS);
      known = start === exact(day * DAY_MS + DAY_MS - 1000) ? start : null;
      if (days.size > 100_000) days.clear();
      days.set(day, known);
    }
    return known === null ? quarter(ms) : known;
  };
}

const zones = new Map<string, OffsetOf | undefined>();

/** The offset function of a time zone argument (IANA name, `UTC`, `+08:00`), or undefined when unknown. */
export function zoneOffset(timeZone: string | undefined): OffsetOf | undefined {
  if (timeZone === undefined) return () => 0;
  if (zones.has(timeZone)) return zones.get(timeZone);
  let fn: OffsetOf | undefined;
  const fixed = FIXED.exec(timeZone);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    const offset = (fixed[1] === '-' ? -1 : 1) * minutes * 60_000;
    fn = () => offset;
  } else fn = intlOffset(timeZone);
  zones.set(timeZone, fn);
  return fn;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
const pad4 = (n: number): string =>
  n < 0 ? `-${pad4(-n)}` : n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : String(n);

/** Format pieces: literal text or one of the supported specifiers. */
type Piece = string | 'Y' | 'm' | 'd' | 'H' | 'M' | 'S' | 'L';
const SPECIFIERS = new Set(['Y', 'm', 'd', 'H', 'M', 'S', 'L']);

function parseFormat(
  format: string,
): { pieces: { spec?: string; text?: string }[]; daily: boolean } | undefined {
  const pieces: { spec?: string; text?: string }[] = [];
  let daily = true;
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i] as string;
    if (c !== '%') {
      pieces.push({ text: c });
      continue;
    }
    const s = format[i + 1];
    i += 1;
    if (s === '%') pieces.push({ text: '%' });
    else if (s !== undefined && SPECIFIERS.has(s)) {
      pieces.push({ spec: s as Piece });
      if (s !== 'Y' && s !== 'm' && s !== 'd') daily = false;
    } else return undefined;
  }
  return { pieces, daily };
}

/**
 * A compiled `$dateToString` for one format and zone: instant (ms) → text. Formats of %Y %m %d %H %M %S %L
 * and literal text only; undefined for anything else (mingo handles it).
 */
export function dateFormatter(
  format: string,
  timeZone: string | undefined,
): ((ms: number) => string) | undefined {
  const parsed = parseFormat(format);
  const offsetOf = zoneOffset(timeZone);
  if (!parsed || !offsetOf) return undefined;
  const render = (local: number): string => {
    const d = new Date(local);
    let out = '';
    for (const p of parsed.pieces) {
      if (p.text !== undefined) {
        out += p.text;
        continue;
      }
      switch (p.spec) {
        case 'Y':
          out += pad4(d.getUTCFullYear());
          break;
        case 'm':
          out += pad2(d.getUTCMonth() + 1);
          break;
        case 'd':
          out += pad2(d.getUTCDate());
          break;
        case 'H':
          out += pad2(d.getUTCHours());
          break;
        case 'M':
          out += pad2(d.getUTCMinutes());
          break;
        case 'S':
          out += pad2(d.getUTCSeconds());
          break;
        case 'L':
          out += pad3(d.getUTCMilliseconds());
          break;
      }
    }
    return out;
  };
  if (!parsed.daily) return (ms) => render(ms + offsetOf(ms));
  // Formats of the day only: one text per local day.
  const days = new Map<number, string>();
  return (ms) => {
    const local = ms + offsetOf(ms);
    const day = Math.floor(local / DAY_MS);
    let text = days.get(day);
    if (text === undefined) {
      text = render(day * DAY_MS);
      if (days.size > 100_000) days.clear();
      days.set(day, text);
    }
    return text;
  };
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;

/**
 * The instant of a strict ISO text in UTC (`2026-03-31T15:30:00.000Z`, as records store date-times), or
 * undefined for any other text (mingo decides those).
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as number[];
  const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s, m[7] ? Number(m[7]) : 0);
  const check = new Date(ms);
  // Out-of-range parts (February 30th, hour 24) are left to mingo's rules.
  if (check.getUTCDate() !== d || check.getUTCHours() !== h || check.getUTCMonth() !== (mo as number) - 1)
    return undefined;
  return (y as number) < 100 ? undefined : ms;
}
