import type {
  DimensionCut,
  Granularity,
  PipelineStage,
  PlannedDimension,
  PlannedMeasure,
  ReportPlan,
} from './types.js';

/**
 * `$dateToString` formats that print an instant's bucket start directly. Quarters and weeks cannot be
 * printed: their instants are grouped by local day and the days cut into buckets in shaping.
 */
const START_FORMATS: Partial<Record<Granularity, string>> = {
  day: '%Y-%m-%d',
  month: '%Y-%m-01',
  year: '%Y-01-01',
};

/** How a dimension's key is cut in shaping (see {@link DimensionCut}). */
export function dimensionCut(source: PlannedDimension['source'], granularity?: Granularity): DimensionCut {
  if (!granularity) return 'value';
  if (source.kind === 'date') return 'day';
  return START_FORMATS[granularity] ? 'start' : 'day';
}

/**
 * The local day (or bucket start) of an instant, as text. `UTC` is left implicit: it is MongoDB's default.
 * Date-times are stored as ISO text (parsed with `$dateFromString`, anything else is no date); timestamps
 * are BSON dates (anything else is no date).
 */
function localDayKey(dimension: PlannedDimension, timeZone: string, format: string): unknown {
  const value = `$${dimension.source.path}`;
  const date =
    dimension.source.kind === 'datetime'
      ? { $dateFromString: { dateString: value, onError: null, onNull: null } }
      : { $cond: [{ $eq: [{ $type: value }, 'date'] }, value, null] };
  const spec: Record<string, unknown> = { date, format, onNull: null };
  if (timeZone !== 'UTC') spec.timezone = timeZone;
  return { $dateToString: spec };
}

/**
 * The value a dimension groups by. Missing and null values form one group (`$ifNull` in a compound key,
 * where a missing value would otherwise leave the key out). Ids and dates leave as they are stored and
 * become text in shaping; calendar dates group by the stored day.
 */
function dimensionKey(dimension: PlannedDimension, timeZone: string, compound: boolean): unknown {
  const { source, granularity, cut } = dimension;
  if (granularity && source.kind !== 'date') {
    const format = cut === 'start' ? (START_FORMATS[granularity] as string) : '%Y-%m-%d';
    return localDayKey(dimension, timeZone, format);
  }
  const value = `$${source.path}`;
  return compound ? { $ifNull: [value, null] } : value;
}

/** The accumulators of one measure (an average carries its sum and its count of numbers, so days merge). */
function accumulators(measure: PlannedMeasure): Record<string, unknown> {
  const { source, aggregate, slot } = measure;
  if (!source) return { [slot]: { $sum: 1 } };
  const value = `$${source.path}`;
  switch (aggregate) {
    case 'count':
      // A count of a field counts the records (or subform rows) where it has a value.
      return { [slot]: { $sum: { $cond: [{ $eq: [{ $ifNull: [value, null] }, null] }, 0, 1] } } };
    case 'sum':
      return { [slot]: { $sum: value } };
    case 'avg':
      return {
        [slot]: { $sum: value },
        [`${slot}n`]: { $sum: { $cond: [{ $isNumber: value }, 1, 0] } },
      };
    case 'min':
      return { [slot]: { $min: value } };
    case 'max':
      return { [slot]: { $max: value } };
    case 'countDistinct':
      // The distinct values travel; shaping counts those that are not null (and merges sets exactly).
      return { [slot]: { $addToSet: value } };
  }
}

/** Aggregates whose values the pipeline can sort by (the rest are finished in shaping). */
const SORTABLE = new Set(['sum', 'count', 'min', 'max']);

/** True when the pipeline can sort and limit: nothing merges and every sort key is a stored slot. */
export function canSortInPipeline(plan: Omit<ReportPlan, 'sortInPipeline'>): boolean {
  if (plan.merge) return false;
  // Percentages of the total and previous buckets need every group, not only the first `limit`.
  if (plan.derived.some((d) => d.kind === 'percentOfTotal' || d.kind === 'previous')) return false;
  return plan.sort.every((key) => {
    if (plan.dimensions.some((d) => d.slot === key.slot)) return true;
    const measure = plan.measures.find((m) => m.slot === key.slot);
    return measure !== undefined && SORTABLE.has(measure.aggregate);
  });
}

/** Where a dimension's value sits in a grouped document. */
export function dimensionPath(plan: Pick<ReportPlan, 'dimensions'>, slot: string): string {
  return plan.dimensions.length > 1 ? `_id.${slot}` : '_id';
}

/**
 * The aggregation pipeline of a planned widget over the records collection: the caller's `match` (scope,
 * workspace, form and filters, built by the access layer) is the first stage and is never changed; then
 * subform rows and multi-valued dimensions are unwound, one `$group` aggregates, and — when shaping need
 * not see every group — `$sort` and `$limit` (one more than the limit, to tell truncation). Group keys and
 * accumulators use only field paths, `$ifNull`, `$cond`, `$eq`, `$type`, `$isNumber`, `$dateToString` and
 * `$dateFromString`, which the embedded store compiles into one loop.
 */
export function buildPipeline(plan: ReportPlan, match: Readonly<Record<string, unknown>>): PipelineStage[] {
  const stages: PipelineStage[] = [{ $match: match }];
  if (plan.unwind) stages.push({ $unwind: `$${plan.unwind}` });
  // A multi-valued dimension (multiselect) counts a record once under each of its values.
  for (const dimension of plan.dimensions) {
    if (dimension.source.multiple)
      stages.push({ $unwind: { path: `$${dimension.source.path}`, preserveNullAndEmptyArrays: true } });
  }
  const compound = plan.dimensions.length > 1;
  let id: unknown = null;
  if (compound) {
    const key: Record<string, unknown> = {};
    for (const d of plan.dimensions) key[d.slot] = dimensionKey(d, plan.timeZone, true);
    id = key;
  } else if (plan.dimensions[0]) id = dimensionKey(plan.dimensions[0], plan.timeZone, false);
  const group: Record<string, unknown> = { _id: id };
  for (const measure of plan.measures) Object.assign(group, accumulators(measure));
  stages.push({ $group: group });
  if (plan.sortInPipeline) stages.push(...sortAndLimit(plan));
  return stages;
}

/** The widget's sort, then every dimension so equal keys come back in one order on every store. */
function sortAndLimit(plan: ReportPlan): PipelineStage[] {
  const sort: Record<string, 1 | -1> = {};
  const pathOf = (slot: string) =>
    plan.dimensions.some((d) => d.slot === slot) ? dimensionPath(plan, slot) : slot;
  for (const key of plan.sort) sort[pathOf(key.slot)] = key.dir;
  for (const dimension of plan.dimensions) {
    const path = dimensionPath(plan, dimension.slot);
    if (!(path in sort)) sort[path] = 1;
  }
  const stages: PipelineStage[] = Object.keys(sort).length > 0 ? [{ $sort: sort }] : [];
  stages.push({ $limit: plan.limit + 1 });
  return stages;
}
