import { type AppInputs, appInputs } from '@formloom/form-runtime';
import type { Connection, Types } from 'mongoose';
import type { FormDirectory, LoadedForm, ScopePlan } from '../records/plan.js';
import { planScope } from '../records/plan.js';
import type { FormDefinition } from './meta.js';
import { formModel } from './model.js';

/** The published forms of one app, by key, with a stamp that changes whenever any of them is republished. */
export interface AppDirectory extends FormDirectory {
  readonly stamp: string;
  readonly forms: readonly LoadedForm[];
  byId(id: Types.ObjectId): LoadedForm | undefined;
}

const definitions = new Map<string, FormDefinition>();

/**
 * One object per published form version: a version's definition never changes, and validators and
 * plans compiled for it are cached by object identity, so every request must see the same object.
 */
function sharedDefinition(key: string, definition: FormDefinition): FormDefinition {
  const known = definitions.get(key);
  if (known) return known;
  if (definitions.size >= 2000) definitions.clear();
  definitions.set(key, definition);
  return definition;
}

/** The stamp of a directory of these forms (in creation order): it changes whenever one is republished. */
export function directoryStamp(forms: ReadonlyArray<{ id: Types.ObjectId; version: number }>): string {
  return forms.map((f) => `${f.id.toHexString()}:${f.version}`).join(',');
}

/** Loads the published definitions of every form of an app (apps hold tens of forms, not thousands). */
export async function loadDirectory(
  connection: Connection,
  ws: Types.ObjectId,
  app: Types.ObjectId,
): Promise<AppDirectory> {
  const docs = await formModel(connection)
    .find({ ws, app }, { key: 1, app: 1, version: 1, published: 1 })
    .sort({ _id: 1 })
    .lean();
  const forms: LoadedForm[] = docs.map((doc) => ({
    id: doc._id,
    app: doc.app,
    key: doc.key,
    version: doc.version,
    definition: sharedDefinition(`${doc._id.toHexString()}:${doc.version}`, doc.published),
  }));
  const byKey = new Map(forms.map((f) => [f.key, f]));
  const byId = new Map(forms.map((f) => [f.id.toHexString(), f]));
  return {
    forms,
    stamp: directoryStamp(forms),
    byKey: (key) => byKey.get(key),
    byId: (id) => byId.get(id.toHexString()),
  };
}

const plans = new Map<string, ScopePlan>();
const MAX_PLANS = 500;

/**
 * The compute plan of a form's published version, cached until any form of the app is republished
 * (lookups read other forms' field kinds). Publishing checked the formulas, so planning does not fail here.
 */
export function planFor(form: LoadedForm, directory: AppDirectory): ScopePlan {
  const key = `${form.id.toHexString()}|${directory.stamp}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = planScope(form.definition.fields, directory);
    if (plans.size >= MAX_PLANS) plans.clear();
    plans.set(key, plan);
  }
  return plan;
}

const inputs = new WeakMap<AppDirectory, AppInputs>();

/**
 * What the derived fields of every form of the directory are made of (form-runtime's `appInputs`), the
 * graph the access layer follows to hide values made of hidden ones. Computed once per directory.
 */
export function inputsOf(directory: AppDirectory): AppInputs {
  let graph = inputs.get(directory);
  if (!graph) {
    graph = appInputs(directory.forms, directory);
    inputs.set(directory, graph);
  }
  return graph;
}
