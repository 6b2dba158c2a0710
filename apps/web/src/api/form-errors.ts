import type { ApiError, ApiErrorDetail } from './client';

/** A field error in the shape antd's `form.setFields` takes. */
export interface FieldError {
  name: string;
  errors: string[];
}

/**
 * Splits the server's `details` into errors shown under form fields (by JSON pointer → field name)
 * and the rest, which the form shows in its alert so nothing the server said is lost.
 */
export function splitDetails(
  error: ApiError,
  fieldByPath: Readonly<Record<string, string>>,
): { fields: FieldError[]; other: ApiErrorDetail[] } {
  const byField = new Map<string, string[]>();
  const other: ApiErrorDetail[] = [];
  for (const detail of error.details) {
    // Accept both "/owner/email" and "owner.email" spellings of a path.
    const pointer = detail.path.startsWith('/') ? detail.path : `/${detail.path.replaceAll('.', '/')}`;
    const field = fieldByPath[pointer];
    if (field) byField.set(field, [...(byField.get(field) ?? []), detail.message]);
    else other.push(detail);
  }
  return { fields: [...byField].map(([name, errors]) => ({ name, errors })), other };
}
