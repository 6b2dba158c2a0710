import type {
  Granularity,
  PipelineMode,
  PipelineStage,
  PlannedDimension,
  PlannedMeasure,
  ReportField,
  ReportPlan,
} from './types.js';

/** Start month (`MM`) of the quarter of each month, indexed by month - 1. */
const QUARTER_START = ['01', '01', '01', '04', '04', '04', '07', '07', '07', '10', '10', '10'];

/**
 * The local calendar day of a date-like value as `YYYY-MM-DD`, or null. Dates are only ever turned into
 * day strings with `$dateToString` (its `timezone` is honoured by MongoDB and the embedded store alike);
 * coarser buckets are cut from that string, so no bucket depends on `$dateTrunc`'s time-zone handling.
 * `UTC` is left implicit: it is MongoDB's default, and the embedded store does not accept the name.
 */
function localDay(field: ReportField, timeZone: string, format = '%Y-%m-%d'): unknown {
  const value = `$${field.path}`;
  if (field.kind === 'date') return { $cond: [{ $eq: [{ $type: value }, 'string'] }, value, null] };
  const date =
    field.kind === 'datetime'
      ? { $dateFromString: { dateString: value, onError: null, onNull: null } }
      : { $cond: [{ $eq: [{ $type: value }, 'date'] }, value, null] };
  const spec: Record<string, unknown> = { date, format, onNull: null };
  if (timeZone !== 'UTC') spec.timezone = timeZone;
  return { $dateToString: spec };
}

/** Formats that print an instant's bucket start directly: one expression instead of cutting a day string. */
const START_FORMATS: Partial<Record<Granularity, string>> = {
  day: '%Y-%m-%d',
  month: '%Y-%m-01',
  year: '%Y-01-01',
};

/** The first day (`YYYY-MM-DD`) of the bucket of the day string bound to `$$day`. */
function bucketStart(granularity: Granularity): unknown {
  const day = '$$day';
  switch (granularity) {
    case 'day':
      return day;
    case 'month':
      return { $concat: [{ $substrCP: [day, 0, 7] }, '-01'] };
    case 'year':
      return { $concat: [{ $substrCP: [day, 0, 4] }, '-01-01'] };
    case 'quarter':
      return {
        $concat: [
          { $substrCP: [day, 0, 5] },
          { $arrayElemAt: [QUARTER_START, { $subtract: [{ $toInt: { $substrCP: [day, 5, 2] } }, 1] }] },
          '-01',
        ],
      };
    case 'week': {
      // Weeks start on Monday (ISO 8601); a calendar day has no zone, so this runs in UTC.
      const date = { $dateFromString: { dateString: day, format: '%Y-%m-%d' } };
      const back = { $multiply: [{ $subtract: [{ $isoDayOfWeek: date }, 1] }, 86_400_000] };
      return { $dateToString: { date: { $subtract: [date, back] }, format: '%Y-%m-%d' } };
    }
  }
}

/** The value a dimension groups by, with missing values as null (so "absent" and "null" are one group). */
function dimensionValue(dimension: PlannedDimension, timeZone: string): unknown {
  const { source, granularity } = dimension;
  const value = `$${source.path}`;
  const direct = granularity && source.kind !== 'date' ? START_FORMATS[granularity] : undefined;
  if (direct) return localDay(source, timeZone, direct);
  if (granularity) {
    return {
      $let: {
        vars: { day: localDay(source, timeZone) },
        in: { $cond: [{ $eq: ['$$day', null] }, null, bucketStart(granularity)] },
      },
    };
  }
  // Ids and dates leave the server as strings, as record reads give them.
  if (source.kind === 'objectId')
    return { $cond: [{ $eq: [{ $type: value }, 'objectId'] }, { $toString: value }, null] };
  if (source.kind === 'timestamp')
    return {
      $dateToString: { date: { $ifNull: [value, null] }, format: '%Y-%m-%dT%H:%M:%S.%LZ', onNull: null },
    };
  return { $ifNull: [value, null] };
}

/** The per-record input of a measure (what its accumulator reads). */
function measureInput(measure: PlannedMeasure): unknown {
  const { source, aggregate } = measure;
  // `$literal`: a bare 1 in `$project` would mean "include the field m0", not the number.
  if (!source) return { $literal: 1 };
  const value = `$${source.path}`;
  // A count of a field counts the records where it has a value.
  if (aggregate === 'count') return { $cond: [{ $eq: [{ $ifNull: [value, null] }, null] }, 0, 1] };
  return { $ifNull: [value, null] };
}

function accumulator(measure: PlannedMeasure): Record<string, unknown> {
  const input = `$${measure.slot}`;
  switch (measure.aggregate) {
    case 'count':
    case 'sum':
      return { $sum: input };
    case 'avg':
      return { $avg: input };
    case 'min':
      return { $min: input };
    case 'max':
      return { $max: input };
    case 'countDistinct':
      return { $addToSet: input };
  }
}

const PLAIN_AGGREGATES = new Set(['sum', 'avg', 'min', 'max']);
/** Aggregates whose per-day results merge exactly into a bucket's (an average would need its count). */
const MERGEABLE_AGGREGATES = new Set(['sum', 'min', 'max']);

/**
 * How a planned widget's pipeline groups (see {@link ReportPlan.mode}). `plain`: at most one dimension on a
 * stored value as it is, path accumulators; then the pipeline is `$match`, `$group`, `$project` of paths,
 * `$sort`, `$limit`, which the embedded store runs as one generated loop instead of evaluating expressions
 * per record (ids and dates become text in shaping). Grouping by a path (`_id: '$path'`) puts missing and
 * null values in one group, as the expression form does. `days`: one calendar-date dimension with a
 * granularity and mergeable measures: grouped plainly by the stored day (a few hundred groups a year), the
 * buckets are cut and merged in shaping.
 */
export function pipelineMode(plan: Pick<ReportPlan, 'dimensions' | 'measures'>): PipelineMode {
  const countsRecords = (m: PlannedMeasure) => m.aggregate === 'count' && !m.source;
  const [only, ...more] = plan.dimensions;
  if (
    only?.granularity &&
    more.length === 0 &&
    only.source.kind === 'date' &&
    !only.source.multiple &&
    plan.measures.every((m) => MERGEABLE_AGGREGATES.has(m.aggregate) || countsRecords(m))
  )
    return 'days';
  const plain =
    more.length === 0 &&
    (!only || (!only.granularity && !only.source.multiple)) &&
    plan.measures.every((m) => PLAIN_AGGREGATES.has(m.aggregate) || countsRecords(m));
  return plain ? 'plain' : 'expression';
}

function plainStages(plan: ReportPlan): PipelineStage[] {
  const [dimension] = plan.dimensions;
  const group: Record<string, unknown> = { _id: dimension ? `$${dimension.source.path}` : null };
  for (const measure of plan.measures) {
    const op = measure.aggregate === 'count' ? '$sum' : `$${measure.aggregate}`;
    group[measure.slot] = { [op]: measure.source ? `$${measure.source.path}` : 1 };
  }
  const flat: Record<string, unknown> = { _id: 0 };
  if (dimension) flat[dimension.slot] = '$_id';
  for (const measure of plan.measures) flat[measure.slot] = `$${measure.slot}`;
  return [{ $group: group }, { $project: flat }];
}

/**
 * The aggregation pipeline of a planned widget over the records collection: the caller's `match` (scope,
 * workspace, form and filters, built by the access layer) is the first stage and is never changed.
 */
export function buildPipeline(plan: ReportPlan, match: Readonly<Record<string, unknown>>): PipelineStage[] {
  const stages: PipelineStage[] = [{ $match: match }];
  if (plan.mode === 'plain') {
    stages.push(...plainStages(plan), ...sortAndLimit(plan));
    return stages;
  }
  // Days are merged into buckets in shaping, which then sorts and limits.
  if (plan.mode === 'days') return [...stages, ...plainStages(plan)];
  // A multi-valued dimension (multiselect) counts a record once under each of its values.
  for (const dimension of plan.dimensions) {
    if (dimension.source.multiple)
      stages.push({ $unwind: { path: `$${dimension.source.path}`, preserveNullAndEmptyArrays: true } });
  }
  const project: Record<string, unknown> = { _id: 0 };
  for (const dimension of plan.dimensions) project[dimension.slot] = dimensionValue(dimension, plan.timeZone);
  for (const measure of plan.measures) project[measure.slot] = measureInput(measure);
  stages.push({ $project: project });

  const id: Record<string, string> = {};
  for (const dimension of plan.dimensions) id[dimension.slot] = `$${dimension.slot}`;
  const group: Record<string, unknown> = { _id: plan.dimensions.length > 0 ? id : null };
  for (const measure of plan.measures) group[measure.slot] = accumulator(measure);
  stages.push({ $group: group });

  const flat: Record<string, unknown> = { _id: 0 };
  for (const dimension of plan.dimensions) flat[dimension.slot] = `$_id.${dimension.slot}`;
  for (const measure of plan.measures) {
    flat[measure.slot] =
      measure.aggregate === 'countDistinct'
        ? { $size: { $filter: { input: `$${measure.slot}`, cond: { $ne: ['$$this', null] } } } }
        : `$${measure.slot}`;
  }
  stages.push({ $project: flat }, ...sortAndLimit(plan));
  return stages;
}

/** The widget's sort, then every dimension so equal keys come back in one order on every store; one row more than the limit tells truncation. */
function sortAndLimit(plan: ReportPlan): PipelineStage[] {
  const sort: Record<string, 1 | -1> = {};
  for (const key of plan.sort) sort[key.slot] = key.dir;
  for (const dimension of plan.dimensions) if (!(dimension.slot in sort)) sort[dimension.slot] = 1;
  const stages: PipelineStage[] = Object.keys(sort).length > 0 ? [{ $sort: sort }] : [];
  stages.push({ $limit: plan.limit + 1 });
  return stages;
}
