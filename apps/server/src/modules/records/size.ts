import { mongo } from 'mongoose';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';

/**
 * The most a record's data may take in the store, in BSON bytes. The store refuses documents over 16 MiB
 * (a 500 before this check), and a record's history entry may hold its values before and after a change,
 * so a record stays under half of that. Above the default BODY_LIMIT (5 MiB), so only computed values
 * (formulas, lookups) or a raised body limit reach it.
 */
export const MAX_RECORD_BYTES = 6 * 1024 * 1024;

const sizeOf = (value: unknown): number => mongo.BSON.calculateObjectSize({ value });

/**
 * 413 naming the largest fields when a record's data would be larger than {@link MAX_RECORD_BYTES}: the
 * biggest ones that together make up the excess, at most five.
 */
export function assertStorable(data: Readonly<Record<string, unknown>>): void {
  const total = mongo.BSON.calculateObjectSize(data);
  if (total <= MAX_RECORD_BYTES) return;
  const fields = Object.entries(data)
    .map(([key, value]) => ({ key, size: sizeOf(value) }))
    .sort((a, b) => b.size - a.size);
  const details: ErrorDetail[] = [];
  let left = total - MAX_RECORD_BYTES;
  for (const field of fields) {
    if (left <= 0 || details.length === 5) break;
    details.push({ path: `/data/${field.key}`, message: t('detail.fieldBytes', { size: field.size }) });
    left -= field.size;
  }
  throw appError('PAYLOAD_TOO_LARGE', t('record.tooLarge', { size: total, max: MAX_RECORD_BYTES }), details);
}
