import type { Types } from 'mongoose';
import type { FieldDef } from '../forms/meta.js';
import { type ComputeContext, hostQuery } from './compute.js';
import { recordModel } from './model.js';

/** Most records a multiple relation links by its rule. */
const MAX_LINKS = 1000;

function empty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * Fills empty relations that carry an `autoLink` rule: the most recently created record of the related form
 * matching the rule's conditions (every one, up to {@link MAX_LINKS}, for a multiple relation), the
 * conditions' `$field` operands reading `data`. The rule, not the caller, picks the record, so it runs after
 * the caller's own relation values were checked; a rule that matches nothing leaves the relation empty.
 */
export async function applyAutoLinks(
  ctx: ComputeContext,
  fields: readonly FieldDef[],
  data: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const rules = fields.filter(
    (f) => f.type === 'relation' && !f.hidden && f.autoLink !== undefined && empty(data[f.key]),
  );
  if (rules.length === 0) return data;
  const out = { ...data };
  for (const field of rules) {
    const related = typeof field.form === 'string' ? ctx.forms.byKey(field.form) : undefined;
    if (!related) continue;
    const query = await hostQuery(ctx, field.autoLink, related, data);
    const docs = await recordModel(ctx.connection)
      .find(query, { _id: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(field.multiple ? MAX_LINKS : 1)
      .lean<Array<{ _id: Types.ObjectId }>>();
    if (docs.length === 0) continue;
    const ids = docs.map((doc) => doc._id.toHexString());
    out[field.key] = field.multiple ? ids : ids[0];
  }
  return out;
}
