import { fail } from '../errors.js';
import {
  GeoError,
  type Geometry,
  geoJson,
  geometryOf,
  inFlatPolygon,
  intersects,
  legacyPoint,
  looksLikeGeoJson,
  type Pt,
  planarDistance,
  pointsOf,
  sphericalRadians,
  withinGeometry,
} from './geo-shapes.js';
import { isPlainObject, num } from './values.js';

/** A `$geoWithin` shape as a test of one stored location. */
function withinTest(shape: unknown): (v: unknown) => boolean {
  if (!isPlainObject(shape)) fail(2, '$geoWithin requires a shape');
  const [kind, arg] = Object.entries(shape)[0] ?? [];
  const pointTest = (test: (p: Pt) => boolean) => (v: unknown) => {
    const g = geometryOf(v);
    return !!g && pointsOf(g).length > 0 && pointsOf(g).every(test);
  };
  switch (kind) {
    case '$geometry': {
      let area: Geometry;
      try {
        area = geoJson(arg);
      } catch (e) {
        fail(2, `$geoWithin: ${(e as Error).message}`);
      }
      return (v) => {
        if (!looksLikeGeoJson(v) && !legacyPoint(v)) return false;
        const g = geometryOf(v);
        return !!g && withinGeometry(g, area);
      };
    }
    case '$box': {
      const [a, b] = Array.isArray(arg) ? arg.map(legacyPoint) : [];
      if (!a || !b) fail(2, '$box requires two points');
      const [x1, x2] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      const [y1, y2] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      return pointTest((p) => p[0] >= x1 && p[0] <= x2 && p[1] >= y1 && p[1] <= y2);
    }
    case '$polygon': {
      const pts = Array.isArray(arg) ? arg.map(legacyPoint) : [];
      if (pts.length < 3 || pts.some((p) => !p)) fail(2, 'Polygon must have at least 3 points');
      return pointTest((p) => inFlatPolygon(p, pts as Pt[]));
    }
    case '$center':
    case '$centerSphere': {
      const center = Array.isArray(arg) ? legacyPoint(arg[0]) : undefined;
      const radius = Array.isArray(arg) ? num(arg[1], Number.NaN) : Number.NaN;
      if (!center || !(radius >= 0)) fail(2, `${kind} requires a center point and a non-negative radius`);
      return kind === '$center'
        ? pointTest((p) => planarDistance(center, p) <= radius)
        : pointTest((p) => sphericalRadians(center, p) <= radius);
    }
    default:
      fail(2, `unknown geo specifier: ${String(kind)}`);
  }
}

function intersectsTest(shape: unknown): (v: unknown) => boolean {
  if (!isPlainObject(shape) || !('$geometry' in shape)) fail(2, '$geoIntersects requires a $geometry');
  let area: Geometry;
  try {
    area = geoJson(shape.$geometry);
  } catch (e) {
    fail(2, `$geoIntersects: ${(e as Error).message}`);
  }
  return (v) => {
    const g = geometryOf(v);
    return !!g && intersects(g, area);
  };
}

type Reached = { direct: unknown[]; all: unknown[] };

/** `$geoWithin` / `$within` / `$geoIntersects` as engine query operators (see query-ops.ts). */
export const GEO_OPERATORS: Record<string, (value: unknown) => (r: Reached) => boolean> = {
  $geoWithin: (shape) => {
    const t = withinTest(shape);
    return (r) =>
      r.direct.some((v) => (legacyPoint(v) || looksLikeGeoJson(v) ? t(v) : Array.isArray(v) && v.some(t)));
  },
  $within: (shape) => GEO_OPERATORS.$geoWithin!(shape),
  $geoIntersects: (shape) => {
    const t = intersectsTest(shape);
    return (r) =>
      r.direct.some((v) => (looksLikeGeoJson(v) || legacyPoint(v) ? t(v) : Array.isArray(v) && v.some(t)));
  },
};

/** Checks a location a geo index will hold (mongod refuses the write: 16755). */
export function checkIndexedLocation(kind: string, field: string, v: unknown): void {
  if (v === undefined || v === null) return;
  const values = Array.isArray(v) && !legacyPoint(v) ? v : [v];
  for (const x of values) {
    if (kind === '2d') {
      if (!legacyPoint(x)) fail(13026, `geo values must be 'legacy coordinate pairs' for 2d indexes`);
      continue;
    }
    if (looksLikeGeoJson(x)) {
      try {
        geoJson(x);
      } catch (e) {
        const why = e instanceof GeoError ? e.message : String(e);
        fail(16755, `Can't extract geo keys: ${JSON.stringify({ [field]: x })}  ${why}`);
      }
    } else if (!legacyPoint(x)) {
      fail(
        16755,
        `Can't extract geo keys: ${JSON.stringify({ [field]: x })}  Point must only contain numeric elements`,
      );
    } else {
      const [lng, lat] = legacyPoint(x)!;
      if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
        fail(
          16755,
          `Can't extract geo keys: ${JSON.stringify({ [field]: x })}  longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`,
        );
    }
  }
}
