import { TZDate } from '@date-fns/tz';
import type { Connection, Types } from 'mongoose';
import { counterModel } from './model.js';

/** One part of a serial-number pattern (`@formloom/schema`'s `SerialPart`). */
export type SerialPart = { text: string } | { date: string } | { seq: number };

/** A serial field's settings. */
export interface SerialSettings {
  pattern: SerialPart[];
  reset?: 'never' | 'day' | 'month' | 'year';
}

function dateParts(now: Date, timeZone: string) {
  const d = new TZDate(now.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const yyyy = String(d.getFullYear()).padStart(4, '0');
  return { YYYY: yyyy, YY: yyyy.slice(2), MM: pad(d.getMonth() + 1), DD: pad(d.getDate()) };
}

/** The period a sequence counts in: it restarts when this string changes. */
export function serialPeriod(settings: SerialSettings, now: Date, timeZone: string): string {
  const p = dateParts(now, timeZone);
  switch (settings.reset ?? 'never') {
    case 'day':
      return `${p.YYYY}${p.MM}${p.DD}`;
    case 'month':
      return `${p.YYYY}${p.MM}`;
    case 'year':
      return p.YYYY;
    default:
      return 'all';
  }
}

/** Formats a serial number from its pattern, the sequence number and the creation time. */
export function formatSerial(settings: SerialSettings, seq: number, now: Date, timeZone: string): string {
  const p = dateParts(now, timeZone);
  const dates: Record<string, string> = {
    YYYY: p.YYYY,
    YY: p.YY,
    MM: p.MM,
    DD: p.DD,
    YYYYMM: `${p.YYYY}${p.MM}`,
    YYYYMMDD: `${p.YYYY}${p.MM}${p.DD}`,
    YYMMDD: `${p.YY}${p.MM}${p.DD}`,
  };
  return settings.pattern
    .map((part) => {
      if ('text' in part) return part.text;
      if ('date' in part) return dates[part.date] ?? '';
      return String(seq).padStart(part.seq, '0');
    })
    .join('');
}

/** The id of a sequence's counter document. */
export function counterId(form: Types.ObjectId, field: string, period: string): string {
  return `${form.toHexString()}:${field}:${period}`;
}

/**
 * Takes the next number of a sequence: one atomic `$inc` on the counter document, so parallel creates
 * never share a number (no transaction needed).
 */
export async function nextSequence(connection: Connection, ws: Types.ObjectId, id: string): Promise<number> {
  // The driver's collection directly: a hot path that needs none of mongoose's casting.
  const counter = await counterModel(connection).collection.findOneAndUpdate(
    { _id: id as never },
    { $inc: { seq: 1 }, $setOnInsert: { ws } },
    { upsert: true, returnDocument: 'after' },
  );
  return typeof counter?.seq === 'number' ? counter.seq : 1;
}

/** Takes `count` consecutive numbers of a counter at once; answers the first. */
export async function nextSequences(
  connection: Connection,
  ws: Types.ObjectId,
  id: string,
  count: number,
): Promise<number> {
  const counter = await counterModel(connection).collection.findOneAndUpdate(
    { _id: id as never },
    { $inc: { seq: count }, $setOnInsert: { ws } },
    { upsert: true, returnDocument: 'after' },
  );
  return (typeof counter?.seq === 'number' ? counter.seq : count) - count + 1;
}

/**
 * Gives a number back when the record it was taken for could not be stored, so sequences stay gap-free:
 * only succeeds while no later number has been taken.
 */
export async function releaseSequence(connection: Connection, id: string, seq: number): Promise<boolean> {
  const result = await counterModel(connection).updateOne({ _id: id, seq }, { $inc: { seq: -1 } });
  return result.modifiedCount === 1;
}
