import type { Static } from 'typebox';
import type { SerialPart } from './field-types/computed.js';

/** A calendar day in the workspace's time zone (the server decides the zone; this code stays pure). */
export interface CalendarDay {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function datePart(format: string, d: CalendarDay): string {
  const yyyy = pad(d.year, 4);
  const mm = pad(d.month, 2);
  const dd = pad(d.day, 2);
  switch (format) {
    case 'YYYY':
      return yyyy;
    case 'YY':
      return yyyy.slice(-2);
    case 'MM':
      return mm;
    case 'DD':
      return dd;
    case 'YYYYMM':
      return yyyy + mm;
    case 'YYMMDD':
      return yyyy.slice(-2) + mm + dd;
    default:
      return yyyy + mm + dd;
  }
}

/**
 * Renders a serial number from its pattern, the day of creation and the sequence value, e.g.
 * `[{text:'Q-'}, {date:'YYYYMM'}, {text:'-'}, {seq:4}]`, 2026-01-15, 7 → `Q-202601-0007`. A sequence
 * wider than its width is written in full rather than cut, so numbers stay unique.
 */
export function formatSerial(
  pattern: ReadonlyArray<Static<typeof SerialPart>>,
  day: CalendarDay,
  sequence: number,
): string {
  return pattern
    .map((part) => {
      if ('text' in part) return part.text;
      if ('date' in part) return datePart(part.date, day);
      return pad(sequence, part.seq);
    })
    .join('');
}

/**
 * The counter bucket a new number draws from: one counter per form and bucket, so the server can keep
 * it in one document and increment it atomically. `never` → `''`, `year` → `2026`, `month` → `2026-01`,
 * `day` → `2026-01-15`.
 */
export function serialBucket(
  reset: 'never' | 'day' | 'month' | 'year' | undefined,
  day: CalendarDay,
): string {
  const y = pad(day.year, 4);
  if (reset === 'year') return y;
  if (reset === 'month') return `${y}-${pad(day.month, 2)}`;
  if (reset === 'day') return `${y}-${pad(day.month, 2)}-${pad(day.day, 2)}`;
  return '';
}
