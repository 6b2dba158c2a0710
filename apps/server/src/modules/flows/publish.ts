import { type FlowIssue, validateFlow } from '@formloom/flow';
import type { Flow, FormRef } from '@formloom/schema';
import type { Connection, Types } from 'mongoose';
import { WORKSPACE_ROLES } from '../../lib/access/index.js';
import { appError, type ErrorDetail, issueText, t } from '../../lib/errors.js';
import { type Caller, isAdmin } from '../apps/caller.js';
import { getApp } from '../apps/service.js';
import { loadDirectory } from '../forms/directory.js';
import type { FormDefinition } from '../forms/meta.js';
import { conditionFields } from './definitions.js';
import { type FlowDoc, flowModel, flowVersionModel } from './model.js';

/** A flow as the API shows it. */
export interface FlowDetail {
  id: string;
  app: string;
  form: string;
  key: string;
  definition: Flow;
  published: Flow | null;
  version: number;
  v: number;
  createdAt: string;
  updatedAt: string;
}

/** The API view of a flow document. */
export function flowDetail(doc: FlowDoc): FlowDetail {
  return {
    id: doc._id.toHexString(),
    app: doc.app.toHexString(),
    form: doc.form.toHexString(),
    key: doc.key,
    definition: doc.definition,
    published: doc.published ?? null,
    version: doc.version,
    v: doc.v,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** API details of flow issues: a JSON pointer under `base`, the worded issue and the node's id. */
export function flowIssueDetails(
  issues: readonly FlowIssue[],
  base = '',
): Array<ErrorDetail & { node: string | null }> {
  return issues.map((i) => {
    // A node whose id is not text (`{ "id": {} }`, refused by the schema) is named by its path alone.
    const node = typeof i.node === 'string' && i.node !== '' ? i.node : null;
    return {
      path: `${base}${i.path}` || '/',
      message: node ? t('flow.nodeIssue', { node, issue: issueText(i) }) : issueText(i),
      code: i.code,
      node,
    };
  });
}

/** What a flow is checked against: the app's forms, its role keys and the workspace roles. */
export interface FlowScope {
  forms: readonly FormRef[];
  roles: readonly string[];
}

/**
 * The publish checks of a flow (validateFlow of @formloom/flow) against its app: a definition that breaks
 * the meta-model is 400; one that does not hold together — unreachable nodes, dead ends, a condition without
 * its default branch, unknown roles or fields, a join without its split, ... — is 422 with each issue's
 * path and node id.
 */
export function checkFlowDefinition(definition: unknown, scope: FlowScope, base = ''): Flow {
  const formKey = (definition as { form?: unknown } | null)?.form;
  const form = scope.forms.find((f) => f.key === formKey);
  const issues = validateFlow(definition, {
    forms: scope.forms,
    roles: [...scope.roles, ...WORKSPACE_ROLES],
    ...(form ? { fields: conditionFields(form as unknown as FormDefinition) } : {}),
  });
  if (issues.length === 0) return definition as Flow;
  const details = flowIssueDetails(issues, base);
  if (issues.some((i) => i.code.startsWith('schema.'))) {
    throw appError('VALIDATION_FAILED', 'flow.invalid', details);
  }
  throw appError('UNPROCESSABLE', 'flow.cannotRun', details);
}

function requireManager(caller: Caller): void {
  if (!isAdmin(caller)) throw appError('FORBIDDEN', 'flow.adminsOnly');
}

async function scopeOf(connection: Connection, ws: Types.ObjectId, app: Types.ObjectId) {
  const [doc, directory] = await Promise.all([
    getApp(connection, ws, app),
    loadDirectory(connection, ws, app),
  ]);
  return {
    directory,
    scope: {
      forms: directory.forms.map((f) => f.definition as unknown as FormRef),
      roles: (doc.roles ?? []).map((r) => r.key),
    },
  };
}

/** A flow of the caller's workspace; another workspace's id answers 404. */
export async function getFlow(
  connection: Connection,
  ws: Types.ObjectId,
  id: Types.ObjectId,
): Promise<FlowDoc> {
  const doc = await flowModel(connection).findOne({ ws, _id: id }).lean();
  if (!doc) throw appError('NOT_FOUND', 'flow.notFound');
  return doc;
}

/** The flows of an app, in creation order. */
export async function listFlows(
  connection: Connection,
  ws: Types.ObjectId,
  app: Types.ObjectId,
): Promise<FlowDoc[]> {
  await getApp(connection, ws, app);
  return flowModel(connection).find({ ws, app }).sort({ _id: 1 }).lean();
}

/**
 * Creates the flow of a form (one per form) from a definition that passes the publish checks; with
 * `publish` it becomes version 1 at once, so submissions start it.
 */
export async function createFlow(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  definition: unknown,
  options: { publish?: boolean } = {},
): Promise<FlowDoc> {
  requireManager(caller);
  const { directory, scope } = await scopeOf(connection, caller.ws, appId);
  const checked = checkFlowDefinition(definition, scope);
  const form = directory.byKey(checked.form);
  if (!form)
    throw appError('UNPROCESSABLE', 'flow.unknownForm', [{ path: '/form', message: 'detail.noFormOfApp' }]);
  const Flows = flowModel(connection);
  await Flows.init();
  const taken = await Flows.findOne(
    { ws: caller.ws, $or: [{ app: appId, key: checked.key }, { form: form.id }] },
    { key: 1 },
  ).lean();
  if (taken) {
    const sameKey = taken.key === checked.key;
    throw appError('CONFLICT', sameKey ? t('flow.keyTaken', { key: checked.key }) : 'flow.formHasFlow', [
      { path: sameKey ? '/key' : '/form', message: sameKey ? 'detail.taken' : 'detail.formHasFlow' },
    ]);
  }
  const now = new Date();
  let doc: FlowDoc;
  try {
    doc = (
      await Flows.create({
        ws: caller.ws,
        app: appId,
        form: form.id,
        key: checked.key,
        definition: checked,
        published: options.publish ? checked : null,
        version: options.publish ? 1 : 0,
        v: 1,
        createdBy: caller.userId,
      })
    ).toObject();
  } catch (error) {
    if ((error as { code?: unknown }).code === 11000) throw appError('CONFLICT', 'flow.formHasFlow');
    throw error;
  }
  if (options.publish) {
    await flowVersionModel(connection).create({
      ws: caller.ws,
      flow: doc._id,
      version: 1,
      definition: checked,
      publishedBy: caller.userId,
      publishedAt: now,
    });
  }
  return doc;
}

/**
 * Saves a flow's working definition (its key and form never change), guarded by `v`; with `publish` it is
 * published as the next version right away.
 */
export async function updateFlow(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
  definition: unknown,
  options: { v?: number; publish?: boolean } = {},
): Promise<FlowDoc> {
  requireManager(caller);
  const flow = await getFlow(connection, caller.ws, id);
  const { key, form } = (definition ?? {}) as { key?: unknown; form?: unknown };
  if (key !== flow.key || form !== flow.definition.form) {
    throw appError('VALIDATION_FAILED', 'flow.keyAndFormFixed', [
      {
        path: key !== flow.key ? '/key' : '/form',
        message: t('detail.mustStay', { value: key !== flow.key ? flow.key : flow.definition.form }),
      },
    ]);
  }
  const { scope } = await scopeOf(connection, caller.ws, flow.app);
  const checked = checkFlowDefinition(definition, scope);
  const updated = await flowModel(connection)
    .findOneAndUpdate(
      { _id: flow._id, ws: caller.ws, v: options.v ?? flow.v },
      { $set: { definition: checked }, $inc: { v: 1 } },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) throw appError('CONFLICT', 'flow.stale');
  return options.publish ? publishFlow(connection, caller, id) : updated;
}

/**
 * Publishes the working definition as the next version (checked again: the forms may have changed since
 * it was saved). Instances already running stay on the version they started with.
 */
export async function publishFlow(
  connection: Connection,
  caller: Caller,
  id: Types.ObjectId,
): Promise<FlowDoc> {
  requireManager(caller);
  const flow = await getFlow(connection, caller.ws, id);
  const { scope } = await scopeOf(connection, caller.ws, flow.app);
  const checked = checkFlowDefinition(flow.definition, scope);
  const version = flow.version + 1;
  // The version document first: an instance started from the new version must find it.
  await flowVersionModel(connection).create({
    ws: caller.ws,
    flow: flow._id,
    version,
    definition: checked,
    publishedBy: caller.userId,
    publishedAt: new Date(),
  });
  const updated = await flowModel(connection)
    .findOneAndUpdate(
      { _id: flow._id, ws: caller.ws, v: flow.v },
      { $set: { published: checked, version }, $inc: { v: 1 } },
      { returnDocument: 'after' },
    )
    .lean();
  if (!updated) {
    await flowVersionModel(connection).deleteOne({ ws: caller.ws, flow: flow._id, version });
    throw appError('CONFLICT', 'flow.stale');
  }
  return updated;
}

/** One published version's definition. */
export async function getFlowVersion(
  connection: Connection,
  ws: Types.ObjectId,
  id: Types.ObjectId,
  version: number,
): Promise<Flow> {
  const doc = await flowVersionModel(connection).findOne({ ws, flow: id, version }).lean();
  if (!doc) throw appError('NOT_FOUND', 'flow.versionNotFound');
  return doc.definition;
}
