import { validateFlow } from '@formloom/flow';
import type { Flow, FormRef, TemplatePack } from '@formloom/schema';
import { type Connection, Types } from 'mongoose';
import { WORKSPACE_ROLES } from '../../lib/access/index.js';
import { appError, type ErrorDetail, t } from '../../lib/errors.js';
import { invalidate } from '../../lib/read-cache.js';
import type { FormDefinition } from '../forms/meta.js';
import { conditionFields } from './definitions.js';
import { flowModel, flowVersionModel } from './model.js';
import { flowIssueDetails } from './publish.js';

/**
 * The publish checks of every flow of a pack, against the pack's forms and roles, before anything is
 * written: 400 when a flow breaks the meta-model, else 422, with paths under `/flows/<i>` and node ids.
 * A pack gives a form at most one flow.
 */
export function checkPackFlows(pack: TemplatePack): void {
  const roles = [...(pack.roles ?? []).map((r) => r.key), ...WORKSPACE_ROLES];
  const forms = pack.forms as unknown as FormRef[];
  const details: ErrorDetail[] = [];
  let malformed = false;
  const seen = new Map<string, number>();
  (pack.flows ?? []).forEach((flow, i) => {
    const form = forms.find((f) => f.key === flow.form);
    const issues = validateFlow(flow, {
      forms,
      roles,
      ...(form ? { fields: conditionFields(form as unknown as FormDefinition) } : {}),
    });
    if (issues.some((issue) => issue.code.startsWith('schema.'))) malformed = true;
    details.push(...flowIssueDetails(issues, `/flows/${i}`));
    const other = seen.get(flow.form);
    if (other !== undefined) {
      details.push({
        path: `/flows/${i}/form`,
        message: t('detail.formHasFlowAt', { at: `/flows/${other}` }),
      });
    }
    seen.set(flow.form, i);
  });
  if (details.length === 0) return;
  if (malformed) throw appError('VALIDATION_FAILED', 'pack.invalid', details);
  throw appError('UNPROCESSABLE', 'flow.packCannotRun', details);
}

/**
 * Writes a pack's flows, each published as version 1 (checked by {@link checkPackFlows} before), tagged with
 * the import's id so an undone import removes them. Answers the new ids by key.
 */
export async function writePackFlows(
  connection: Connection,
  input: {
    ws: Types.ObjectId;
    app: Types.ObjectId;
    by: Types.ObjectId;
    importId: Types.ObjectId;
    formIds: ReadonlyMap<string, Types.ObjectId>;
    flows: readonly Flow[];
  },
): Promise<Record<string, string>> {
  const now = new Date();
  const ids: Record<string, string> = {};
  for (const flow of input.flows) {
    const form = input.formIds.get(flow.form);
    if (!form) throw new Error(`pack flow ${flow.key} names an unknown form`);
    const id = new Types.ObjectId();
    const definition = structuredClone(flow);
    await flowModel(connection).collection.insertOne({
      _id: id,
      ws: input.ws,
      app: input.app,
      form,
      key: flow.key,
      definition,
      published: definition,
      version: 1,
      v: 1,
      createdBy: input.by,
      createdAt: now,
      updatedAt: now,
      importId: input.importId,
    });
    await flowVersionModel(connection).collection.insertOne({
      _id: new Types.ObjectId(),
      ws: input.ws,
      flow: id,
      version: 1,
      definition,
      publishedBy: input.by,
      publishedAt: now,
      importId: input.importId,
    });
    ids[flow.key] = id.toHexString();
  }
  // Raw inserts bypass the model's hooks: nothing cached may miss the new flows.
  invalidate(connection, 'definitions');
  return ids;
}

/** The flows of an app as a pack carries them: the published definition (the working one if never published). */
export async function exportFlows(
  connection: Connection,
  ws: Types.ObjectId,
  app: Types.ObjectId,
): Promise<Flow[]> {
  const docs = await flowModel(connection).find({ ws, app }).sort({ _id: 1 }).lean();
  return docs.map((doc) => structuredClone(doc.published ?? doc.definition));
}

/** Removes the flows of an app and their versions (an app deleted, an import undone); answers how many flows. */
export async function removeFlows(
  connection: Connection,
  selector: { ws: Types.ObjectId; app: Types.ObjectId } | { importId: Types.ObjectId },
): Promise<{ flows: number; flowVersions: number }> {
  const flows = await flowModel(connection).find(selector, { _id: 1 }).lean();
  const ids = flows.map((f) => f._id);
  const versions = await flowVersionModel(connection).collection.deleteMany({
    $or: [{ flow: { $in: ids } }, ...('importId' in selector ? [{ importId: selector.importId }] : [])],
  });
  const removed = await flowModel(connection).collection.deleteMany({ _id: { $in: ids } });
  invalidate(connection, 'definitions');
  return { flows: removed.deletedCount, flowVersions: versions.deletedCount };
}
