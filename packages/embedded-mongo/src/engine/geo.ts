import { fail } from '../errors.js';
import type { Collection } from './collection.js';
import type { Core } from './core.js';
import { select } from './exec.js';
import {
  EARTH_RADIUS_M,
  type Geometry,
  geoJson,
  geometryOf,
  legacyPoint,
  looksLikeGeoJson,
  type Pt,
  planarDistance,
  pointsOf,
  sphericalRadians,
  withinGeometry,
} from './geo-shapes.js';
import type { Index } from './index-tree.js';
import { keyValues } from './paths.js';
import type { PipelineEnv } from './pipeline.js';
import { type Doc, isPlainObject, num, setField, view } from './values.js';

/** How a near query measures: meters on the sphere, radians on the sphere, or flat units. */
type Metric = 'meters' | 'radians' | 'flat';

/** A parsed `$near` / `$nearSphere` / `$geoNear`. */
export interface Near {
  path: string;
  point: Pt;
  metric: Metric;
  min: number;
  max: number;
  /** A GeoJSON point (2dsphere) or a legacy pair. */
  geoJson: boolean;
}

function noIndex(): never {
  fail(
    291,
    'error processing query: planner returned error :: caused by :: unable to find index for $geoNear query',
  );
}

function nearPoint(v: unknown, what: string): { point: Pt; geoJson: boolean } {
  if (looksLikeGeoJson(v)) {
    let g: Geometry;
    try {
      g = geoJson(v);
    } catch (e) {
      fail(2, `invalid point in ${what}: ${(e as Error).message}`);
    }
    if (g.type !== 'Point') fail(2, `${what} must be a Point`);
    return { point: g.coordinates as Pt, geoJson: true };
  }
  const p = legacyPoint(v);
  if (!p) fail(2, `invalid point in ${what}: ${JSON.stringify(v)}`);
  return { point: p, geoJson: false };
}

/** Parses `{ path: { $near | $nearSphere: ..., $maxDistance, $minDistance } }`. */
export function parseNear(path: string, cond: Doc): Near {
  const op = '$near' in cond ? '$near' : '$nearSphere';
  const arg = cond[op];
  let spec: { point: Pt; geoJson: boolean };
  let max = cond.$maxDistance;
  let min = cond.$minDistance;
  if (isPlainObject(arg) && '$geometry' in arg) {
    spec = nearPoint(arg.$geometry, op);
    max = arg.$maxDistance ?? max;
    min = arg.$minDistance ?? min;
  } else spec = nearPoint(arg, op);
  const metric: Metric = spec.geoJson ? 'meters' : op === '$nearSphere' ? 'radians' : 'flat';
  const maxN = max === undefined ? Number.POSITIVE_INFINITY : num(max, Number.NaN);
  const minN = min === undefined ? 0 : num(min, Number.NaN);
  if (!(maxN >= 0) || !(minN >= 0)) fail(2, '$minDistance and $maxDistance must be non-negative numbers');
  return { path, point: spec.point, metric, min: minN, max: maxN, geoJson: spec.geoJson };
}

/** The geo index serving a near query on `path` (2dsphere for GeoJSON points, else 2d or 2dsphere). */
function geoIndexFor(coll: Collection | undefined, path: string | undefined, near: Near): Index | undefined {
  if (!coll) return undefined;
  const kinds = near.metric === 'flat' ? ['2d'] : near.geoJson ? ['2dsphere'] : ['2d', '2dsphere'];
  const all = [...coll.indexes.values()].filter((ix) => kinds.includes(ix.kind));
  if (path !== undefined) return all.find((ix) => ix.geoField === path);
  if (all.length > 1)
    fail(
      2,
      `There is more than one ${kinds.join(' or ')} index on ${coll.ns}; unsure which to use for $geoNear`,
    );
  return all[0];
}

/** The distance from the query point to a stored location, in the query's metric. */
function distanceTo(near: Near, v: unknown): number | undefined {
  const g = geometryOf(v);
  if (!g) return undefined;
  if (
    g.type === 'Polygon' &&
    near.metric !== 'flat' &&
    withinGeometry({ type: 'Point', coordinates: near.point }, g)
  )
    return 0;
  let best: number | undefined;
  for (const p of pointsOf(g)) {
    const d =
      near.metric === 'flat'
        ? planarDistance(near.point, p)
        : sphericalRadians(near.point, p) * (near.metric === 'meters' ? EARTH_RADIUS_M : 1);
    if (best === undefined || d < best) best = d;
  }
  return best;
}

/** The nearest location of a document (its field may hold several), with its distance. */
function nearest(near: Near, doc: Doc): { distance: number; loc: unknown } | undefined {
  const direct = keyValues(view(doc), near.path.split('.'), { multi: false });
  // A legacy pair is itself an array: try the whole value before its elements.
  const whole = pathValue(view(doc), near.path);
  const candidates = whole !== undefined && legacyPoint(whole) ? [whole] : direct;
  let best: { distance: number; loc: unknown } | undefined;
  for (const loc of candidates) {
    const d = distanceTo(near, loc);
    if (d !== undefined && (!best || d < best.distance)) best = { distance: d, loc };
  }
  return best;
}

function pathValue(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const p of path.split('.')) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Documents within the near query's distance bounds, nearest first, with their distances. */
export function nearSearch(
  coll: Collection | undefined,
  near: Near,
  candidates: Iterable<Doc>,
): { doc: Doc; distance: number; loc: unknown }[] {
  if (!geoIndexFor(coll, near.path, near)) noIndex();
  const out: { doc: Doc; distance: number; loc: unknown }[] = [];
  for (const doc of candidates) {
    const hit = nearest(near, doc);
    if (hit && hit.distance >= near.min && hit.distance <= near.max) out.push({ doc, ...hit });
  }
  return out.sort((a, b) => a.distance - b.distance);
}

/**
 * `$geoNear` (first stage): documents by distance from `near`, with `distanceField` (times
 * `distanceMultiplier`), optional `includeLocs`, `query`, `minDistance`/`maxDistance`, `key`.
 */
export function geoNearStage(core: Core, coll: Collection | undefined, spec: Doc, env: PipelineEnv): Doc[] {
  if (typeof spec.distanceField !== 'string')
    fail(2, "$geoNear requires a 'distanceField' option as a String");
  const point = nearPoint(spec.near, '$geoNear');
  const spherical = spec.spherical === true || point.geoJson;
  const metric: Metric = point.geoJson ? 'meters' : spherical ? 'radians' : 'flat';
  const probe: Near = {
    path: '',
    point: point.point,
    metric,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    geoJson: point.geoJson,
  };
  const ix = geoIndexFor(coll, typeof spec.key === 'string' ? spec.key : undefined, probe);
  if (!ix) fail(291, '$geoNear requires a 2d or 2dsphere index, but none were found');
  const near: Near = {
    ...probe,
    path: ix.geoField!,
    min: spec.minDistance === undefined ? 0 : num(spec.minDistance, 0),
    max:
      spec.maxDistance === undefined
        ? Number.POSITIVE_INFINITY
        : num(spec.maxDistance, Number.POSITIVE_INFINITY),
  };
  const filtered = select(core, coll, {
    filter: isPlainObject(spec.query) ? spec.query : undefined,
    collation: env.collation,
    variables: env.variables,
  });
  const multiplier = spec.distanceMultiplier === undefined ? 1 : num(spec.distanceMultiplier, 1);
  return nearSearch(coll, near, filtered).map(({ doc, distance, loc }) => {
    const out: Doc = {};
    for (const k of Object.keys(doc)) setField(out, k, doc[k]);
    setPath(out, spec.distanceField as string, distance * multiplier);
    if (typeof spec.includeLocs === 'string') setPath(out, spec.includeLocs, loc);
    return out;
  });
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    const next = Object.hasOwn(cur, p) && isPlainObject(cur[p]) ? { ...(cur[p] as Doc) } : {};
    setField(cur, p, next);
    cur = next;
  }
  setField(cur, parts[parts.length - 1]!, value);
}

/** Splits `$near` / `$nearSphere` off a filter (top level or a top-level `$and`). */
export function extractNear(filter: Doc): { near: Near; rest: Doc } | undefined {
  for (const [k, cond] of Object.entries(filter)) {
    if (!k.startsWith('$') && isPlainObject(cond) && ('$near' in cond || '$nearSphere' in cond)) {
      const rest = { ...filter };
      delete rest[k];
      return { near: parseNear(k, cond), rest };
    }
  }
  if (Array.isArray(filter.$and)) {
    for (let i = 0; i < filter.$and.length; i++) {
      const sub = filter.$and[i];
      const hit = isPlainObject(sub) ? extractNear(sub) : undefined;
      if (!hit) continue;
      const and = [...filter.$and];
      and[i] = hit.rest;
      return { near: hit.near, rest: { ...filter, $and: and } };
    }
  }
  return undefined;
}
