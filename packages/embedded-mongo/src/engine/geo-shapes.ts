import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import { fail } from '../errors.js';
import { type Doc, isPlainObject } from './values.js';

/**
 * Geometry for 2dsphere / 2d indexes and the geo query operators: GeoJSON and legacy coordinate
 * pairs parsed and checked as mongod checks them, spherical distances on mongod's earth radius,
 * and containment / intersection through @turf (decision 0003).
 */

/** mongod's earth radius for 2dsphere distances in meters. */
export const EARTH_RADIUS_M = 6378100;

/** A GeoJSON geometry (coordinates as [lng, lat]). */
export interface Geometry {
  type: string;
  coordinates?: unknown;
  geometries?: Geometry[];
}

/** A point as [x, y] (for GeoJSON: [lng, lat]). */
export type Pt = [number, number];

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A legacy coordinate pair: `[x, y]` or a document whose first two values are numbers. */
export function legacyPoint(v: unknown): Pt | undefined {
  if (Array.isArray(v)) return v.length >= 2 && isNum(v[0]) && isNum(v[1]) ? [v[0], v[1]] : undefined;
  if (isPlainObject(v)) {
    const vals = Object.values(v);
    return vals.length >= 2 && isNum(vals[0]) && isNum(vals[1]) ? [vals[0], vals[1]] : undefined;
  }
  return undefined;
}

function checkPosition(p: unknown, what: string): Pt {
  if (!Array.isArray(p) || p.length < 2 || !isNum(p[0]) || !isNum(p[1]))
    throw new GeoError(`${what}: a position must be an array of two numbers`);
  if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90)
    throw new GeoError(`longitude/latitude is out of bounds, lng: ${p[0]} lat: ${p[1]}`);
  return [p[0], p[1]];
}

function checkRing(ring: unknown): Pt[] {
  if (!Array.isArray(ring) || ring.length < 4)
    throw new GeoError('Loop must have at least 3 different vertices');
  const pts = ring.map((p) => checkPosition(p, 'Polygon'));
  const [a, b] = [pts[0]!, pts[pts.length - 1]!];
  if (a[0] !== b[0] || a[1] !== b[1])
    throw new GeoError('Loop is not closed, first vertex does not equal last vertex');
  return pts;
}

/** Why a geometry is invalid. */
export class GeoError extends Error {}

/** Parses and checks a GeoJSON geometry (throws {@link GeoError}). */
export function geoJson(v: unknown): Geometry {
  if (!isPlainObject(v) || typeof v.type !== 'string') throw new GeoError('not a GeoJSON object');
  const c = v.coordinates;
  switch (v.type) {
    case 'Point':
      checkPosition(c, 'Point');
      break;
    case 'MultiPoint':
    case 'LineString':
      if (!Array.isArray(c) || c.length < (v.type === 'LineString' ? 2 : 1))
        throw new GeoError(`${v.type} must have at least ${v.type === 'LineString' ? 2 : 1} positions`);
      for (const p of c) checkPosition(p, v.type);
      break;
    case 'MultiLineString':
      if (!Array.isArray(c)) throw new GeoError('MultiLineString coordinates must be an array');
      for (const line of c) geoJson({ type: 'LineString', coordinates: line });
      break;
    case 'Polygon':
      if (!Array.isArray(c) || c.length === 0)
        throw new GeoError('Polygon coordinates must be an array of rings');
      for (const ring of c) checkRing(ring);
      break;
    case 'MultiPolygon':
      if (!Array.isArray(c)) throw new GeoError('MultiPolygon coordinates must be an array');
      for (const poly of c) geoJson({ type: 'Polygon', coordinates: poly });
      break;
    case 'GeometryCollection':
      if (!Array.isArray(v.geometries)) throw new GeoError('GeometryCollection needs geometries');
      return { type: v.type, geometries: v.geometries.map(geoJson) };
    default:
      throw new GeoError(`unknown GeoJSON type: ${v.type}`);
  }
  return { type: v.type, coordinates: c };
}

/** True for something shaped like GeoJSON (a `type` plus coordinates or geometries). */
export function looksLikeGeoJson(v: unknown): v is Doc {
  return isPlainObject(v) && typeof v.type === 'string' && ('coordinates' in v || 'geometries' in v);
}

/** A stored location as a geometry: GeoJSON, or a legacy pair read as a point. */
export function geometryOf(v: unknown): Geometry | undefined {
  if (looksLikeGeoJson(v)) {
    try {
      return geoJson(v);
    } catch {
      return undefined;
    }
  }
  const p = legacyPoint(v);
  return p ? { type: 'Point', coordinates: p } : undefined;
}

const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance between two [lng, lat] points, in radians. */
export function sphericalRadians(a: Pt, b: Pt): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Flat (2d) distance between two points. */
export function planarDistance(a: Pt, b: Pt): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

/** The points a geometry consists of (for distances to lines and polygons, their vertices). */
export function pointsOf(g: Geometry): Pt[] {
  const out: Pt[] = [];
  const walk = (c: unknown) => {
    if (Array.isArray(c) && c.length >= 2 && isNum(c[0]) && isNum(c[1])) out.push([c[0], c[1]]);
    else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  if (g.geometries) for (const sub of g.geometries) out.push(...pointsOf(sub));
  else walk(g.coordinates);
  return out;
}

/** True when geometry `g` lies within the GeoJSON polygon(s) `area` (spherical-ish, via turf). */
export function withinGeometry(g: Geometry, area: Geometry): boolean {
  if (area.type !== 'Polygon' && area.type !== 'MultiPolygon')
    fail(2, '$geoWithin $geometry must be a Polygon or MultiPolygon');
  if (g.type === 'Point') return booleanPointInPolygon(g.coordinates as Pt, area as never);
  if (g.type === 'GeometryCollection') return (g.geometries ?? []).every((x) => withinGeometry(x, area));
  if (g.type.startsWith('Multi')) return pointsOf(g).every((p) => booleanPointInPolygon(p, area as never));
  return booleanWithin(g as never, area as never);
}

/** True when two GeoJSON geometries share any point. */
export function intersects(a: Geometry, b: Geometry): boolean {
  if (a.type === 'GeometryCollection') return (a.geometries ?? []).some((x) => intersects(x, b));
  if (b.type === 'GeometryCollection') return (b.geometries ?? []).some((x) => intersects(a, x));
  return booleanIntersects(a as never, b as never);
}

/** Point in a flat polygon (ray casting; points on an edge count as inside, as for $polygon). */
export function inFlatPolygon(p: Pt, poly: Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    const onEdge =
      (p[0] - xi) * (yj - yi) === (p[1] - yi) * (xj - xi) &&
      Math.min(xi, xj) <= p[0] &&
      p[0] <= Math.max(xi, xj) &&
      Math.min(yi, yj) <= p[1] &&
      p[1] <= Math.max(yi, yj);
    if (onEdge) return true;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
