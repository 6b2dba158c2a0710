import { compileFlow, type FlowProgram } from '@formloom/flow';
import type { FieldTypeMap } from '@formloom/formula';
import { type Flow, type FormRef, formulaFieldMap } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { generationOf, readCache } from '../../lib/read-cache.js';
import type { FormDefinition } from '../forms/meta.js';
import { flowModel, flowVersionModel } from './model.js';

/** The flow a submission of a form starts: its id, key and published version. */
export interface PublishedFlow {
  id: Types.ObjectId;
  key: string;
  app: Types.ObjectId;
  version: number;
  definition: Flow;
}

/**
 * The published flow of a form, or null. Served from the definitions read cache: every record creation
 * asks, and publishing a flow writes the `flows` collection, which drops the cache (lib/read-cache.ts).
 */
export async function publishedFlowOf(
  connection: Connection,
  ws: Types.ObjectId,
  form: Types.ObjectId,
): Promise<PublishedFlow | null> {
  const cache = readCache<{ flow: PublishedFlow | null }>(connection, 'publishedFlows', 'definitions');
  const key = `${ws.toHexString()}:${form.toHexString()}`;
  const hit = cache.get(key);
  if (hit) return hit.flow;
  return cache.shared(key, async () => {
    const generation = generationOf(connection, 'definitions');
    const doc = await flowModel(connection).collection.findOne<{
      _id: Types.ObjectId;
      key: string;
      app: Types.ObjectId;
      version: number;
      published: Flow | null;
    }>({ ws, form }, { projection: { key: 1, app: 1, version: 1, published: 1 } });
    const flow =
      doc?.published && doc.version > 0
        ? { id: doc._id, key: doc.key, app: doc.app, version: doc.version, definition: doc.published }
        : null;
    cache.set(key, { flow }, generation);
    return flow;
  });
}

// Published versions never change: kept until the process ends (bounded, cleared when full).
const versions = new Map<string, Flow>();
const programs = new Map<string, FlowProgram>();
const MAX_ENTRIES = 2000;

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MAX_ENTRIES) map.clear();
  map.set(key, value);
  return value;
}

/** The definition of one published version of a flow (what an instance pinned to it runs). */
export async function flowVersion(
  connection: Connection,
  ws: Types.ObjectId,
  flow: Types.ObjectId,
  version: number,
): Promise<Flow> {
  const key = `${ws.toHexString()}:${flow.toHexString()}:${version}`;
  const cached = versions.get(key);
  if (cached) return cached;
  const doc = await flowVersionModel(connection).collection.findOne<{ definition: Flow }>(
    { ws, flow, version },
    { projection: { definition: 1 } },
  );
  if (!doc) throw new Error(`flow ${flow.toHexString()} has no version ${version}`);
  return remember(versions, key, doc.definition);
}

/** The formula kinds of a form's fields, as branch conditions see them. */
export function conditionFields(form: FormDefinition): FieldTypeMap {
  return formulaFieldMap(form as unknown as FormRef) as unknown as FieldTypeMap;
}

/**
 * The compiled program of a flow version against the form's current definition (conditions are typed by
 * its fields). Cached per flow version and form version.
 */
export function programOf(
  flow: Types.ObjectId,
  version: number,
  definition: Flow,
  form: { id: Types.ObjectId; version: number; definition: FormDefinition },
): FlowProgram {
  const key = `${flow.toHexString()}:${version}:${form.id.toHexString()}:${form.version}`;
  return (
    programs.get(key) ??
    remember(programs, key, compileFlow(definition, { fields: conditionFields(form.definition) }))
  );
}
