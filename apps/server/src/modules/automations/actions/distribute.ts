import { DistributionError, distributeAmount } from '@formloom/formula';
import type { DistributeConfig } from '@formloom/schema';
import { appError, type Message, t } from '../../../lib/errors.js';
import type { FieldDef } from '../../forms/meta.js';
import { type RecordDoc, recordModel } from '../../records/model.js';
import { formByKey } from '../actor.js';
import type { Effect } from '../model.js';
import { updateMarked } from './records.js';
import { registerExecutor } from './registry.js';

function numeric(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Decimals of the unit parts are whole multiples of: the target field's precision (money: 2, else 0). */
function precisionOf(field: FieldDef): number {
  if (typeof field.precision === 'number') return field.precision;
  return field.type === 'money' ? 2 : 0;
}

const DISTRIBUTION_TEXT = {
  BAD_INPUT: 'automation.distributeBadInput',
  FIXED_EXCEEDS_TOTAL: 'automation.distributeFixedExceeds',
  NOTHING_TO_SPREAD: 'automation.distributeNothing',
  TOO_LARGE: 'automation.distributeTooLarge',
} as const;

function fail(message: Message, path: string): never {
  throw appError('UNPROCESSABLE', 'automation.distributeFailed', [{ path, message }]);
}

/**
 * `distribute`: splits the trigger record's `source` over the records of `form` whose `relation` points at
 * it, writing each one's `target`, by the largest-remainder method in whole units of the target field's
 * precision (ties to the earlier child by creation order), so the children always add up to the parent.
 * `weights` come from a field (or rollup) of each child or from a list in creation order; `manual` keeps
 * children that have a value and spreads the rest alike.
 */
registerExecutor<DistributeConfig>('distribute', async (run, config) => {
  const { ctx } = run;
  const at = `${run.path}/config`;
  const parent = ctx.record;
  if (!parent || parent.deletedAt) fail(t('automation.distributeNeedsRecord'), at);
  const childForm = formByKey(ctx, config.form);
  const fields = new Map(childForm.definition.fields.map((f) => [f.key, f]));
  const relation = fields.get(config.relation);
  if (relation?.type !== 'relation')
    fail(t('detail.noRelationField', { field: config.relation, form: config.form }), `${at}/relation`);
  const target = fields.get(config.target);
  if (!target || !['number', 'money', 'percent'].includes(target.type)) {
    fail(t('detail.noNumberField', { field: config.target, form: config.form }), `${at}/target`);
  }
  const total = numeric(parent.data[config.source]);
  if (total === null) fail(t('detail.noNumberIn', { field: config.source }), `${at}/source`);
  const children = await recordModel(ctx.connection)
    .find({
      ws: ctx.ws,
      form: childForm.id,
      deletedAt: null,
      [`data.${config.relation}`]: parent._id.toHexString(),
    })
    .sort({ createdAt: 1, _id: 1 })
    .limit(1000)
    .lean<RecordDoc[]>();
  if (children.length === 0) return [];
  let parts: number[];
  try {
    if (config.method === 'weights') {
      const weights = config.weightField
        ? children.map((child) => numeric(child.data[config.weightField as string]) ?? 0)
        : config.weights;
      if (!weights) fail(t('detail.weightsNeeded'), `${at}/weights`);
      if (weights.length !== children.length) {
        fail(
          t('detail.weightsCount', { weights: weights.length, records: children.length }),
          `${at}/weights`,
        );
      }
      parts = distributeAmount({
        total,
        count: children.length,
        method: 'weights',
        weights,
        precision: precisionOf(target),
      });
    } else if (config.method === 'manual') {
      const fixed = children.map((child) => numeric(child.data[config.target]));
      parts = distributeAmount({
        total,
        count: children.length,
        method: 'manual',
        fixed,
        precision: precisionOf(target),
      });
    } else {
      parts = distributeAmount({
        total,
        count: children.length,
        method: 'equal',
        precision: precisionOf(target),
      });
    }
  } catch (error) {
    if (error instanceof DistributionError) fail(t(DISTRIBUTION_TEXT[error.code]), at);
    throw error;
  }
  const effects: Effect[] = [];
  for (const [i, child] of children.entries()) {
    const value = parts[i] ?? 0;
    const mark = `${run.key}:${child._id.toHexString()}`;
    const effect = await updateMarked(run, config.form, child, mark, () => ({ [config.target]: value }));
    effects.push(
      effect ?? {
        kind: 'recordUpdated',
        form: config.form,
        record: child._id.toHexString(),
        detail: { unchanged: true },
      },
    );
    const last = effects.at(-1);
    if (last) last.detail = { ...last.detail, [config.target]: value };
  }
  return effects;
});
