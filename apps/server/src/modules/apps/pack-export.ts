import type { Connection, Types } from 'mongoose';
import { appError } from '../../lib/errors.js';
import { automationModel } from '../automations/model.js';
import { exportFlows } from '../flows/pack.js';
import type { FieldDef, FormDefinition } from '../forms/meta.js';
import { listForms } from '../forms/service.js';
import { type Caller, isAdmin } from './caller.js';
import type { AppDoc, AppManifest, StoredDefinition } from './model.js';
import { exportRecords } from './pack-records.js';
import type { PackWithRecords } from './pack-validate.js';
import { getApp } from './service.js';

/** Who may export (and otherwise manage) an app: workspace owners and admins, or a role with `manageApp`. */
export function canManageApp(caller: Caller, app: AppDoc): boolean {
  if (isAdmin(caller)) return true;
  return (app.roles ?? []).some((role) => role.manageApp === true && caller.roles.includes(role.key));
}

const PEOPLE = new Set(['member', 'department']);

/** A field without anything naming people of this workspace: a constant default member or department. */
function portableField(field: FieldDef): FieldDef {
  const out = { ...field };
  if (PEOPLE.has(field.type) && out.default && 'value' in out.default) delete out.default;
  if (field.type === 'subform' && Array.isArray(field.columns)) {
    out.columns = (field.columns as FieldDef[]).map(portableField);
  }
  return out;
}

function portableForm(definition: FormDefinition): FormDefinition {
  const copy = structuredClone(definition);
  return { ...copy, fields: copy.fields.map(portableField) };
}

function manifestOf(app: AppDoc): AppManifest {
  if (app.manifest) return structuredClone(app.manifest);
  // An app built in the workspace (not imported) gets a manifest from its own identity.
  const name = app.name as Record<string, unknown>;
  const locales = ['zh-CN', 'en'].filter((l) => typeof name?.[l] === 'string');
  const manifest: AppManifest = {
    key: app.key,
    name: structuredClone(app.name),
    version: '1.0.0',
    locales: locales.length > 0 ? locales : ['en'],
  };
  if (app.description !== undefined) manifest.description = structuredClone(app.description);
  return manifest;
}

function definitions(list: readonly StoredDefinition[] | undefined): Record<string, unknown>[] {
  return (list ?? []).map((d) => structuredClone(d.definition));
}

/** Options of {@link exportApp}. */
export interface ExportOptions {
  /** Include the records the caller may view as the pack's `records` section. */
  data?: boolean;
}

/**
 * An app as a template pack: its manifest, app settings, forms at their latest published version,
 * roles, flows, automations and dashboards, all by key; no workspace, user, department or file ids.
 * Importing the result gives an equal app. Only app managers may export (403; 404 for other workspaces).
 */
export async function exportApp(
  connection: Connection,
  caller: Caller,
  appId: Types.ObjectId,
  options: ExportOptions = {},
): Promise<{ pack: PackWithRecords; records: number }> {
  const app = await getApp(connection, caller.ws, appId);
  if (!canManageApp(caller, app)) throw appError('FORBIDDEN', 'app.exportManagersOnly');
  const forms = await listForms(connection, caller.ws, app._id);
  const settings: Record<string, unknown> = { key: app.key, name: structuredClone(app.name) };
  if (app.description !== undefined) settings.description = structuredClone(app.description);
  if (app.icon !== undefined) settings.icon = app.icon;
  if (app.color !== undefined) settings.color = app.color;
  if (app.menu !== undefined) settings.menu = structuredClone(app.menu);
  const pack: Record<string, unknown> = {
    manifest: manifestOf(app),
    app: settings,
    forms: forms.map((form) => portableForm(form.published)),
  };
  // Flows of apps imported before flows had their own collection are still kept on the app.
  const flows = [...definitions(app.flows), ...(await exportFlows(connection, caller.ws, app._id))];
  const automations = [
    ...definitions(app.automations),
    ...(await automationModel(connection).find({ ws: caller.ws, app: app._id }).sort({ _id: 1 }).lean()).map(
      (a) => ({ ...structuredClone(a.definition), enabled: a.enabled }),
    ),
  ];
  const dashboards = definitions(app.dashboards);
  if (flows.length > 0) pack.flows = flows;
  if (automations.length > 0) pack.automations = automations;
  if (dashboards.length > 0) pack.dashboards = dashboards;
  if ((app.roles ?? []).length > 0) pack.roles = structuredClone(app.roles);
  let count = 0;
  if (options.data) {
    const { records, count: n } = await exportRecords(connection, caller, forms);
    pack.records = records;
    count = n;
  }
  return { pack: pack as unknown as PackWithRecords, records: count };
}
