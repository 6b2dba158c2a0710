/**
 * A value of the store as a JSON scalar. Real MongoDB may answer sums as Long or Decimal128 wrappers and
 * dates as Date objects; the result carries plain numbers and ISO strings.
 */
export function scalar(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'object') {
    // An ObjectId (owner, department) leaves as its hex text, as record reads give it.
    const hex = (value as { toHexString?: unknown }).toHexString;
    if (typeof hex === 'function') return String(hex.call(value));
    const primitive = (value as { valueOf(): unknown }).valueOf();
    if (typeof primitive === 'number' || typeof primitive === 'bigint') return Number(primitive);
    const text = String(value);
    const asNumber = Number(text);
    // Decimal128 has no numeric valueOf, only its text.
    return text !== '' && Number.isFinite(asNumber) ? asNumber : text;
  }
  return String(value);
}
