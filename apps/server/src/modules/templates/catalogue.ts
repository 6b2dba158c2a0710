import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appError, t } from '../../lib/errors.js';

/**
 * The repository's `templates/` directory. This file sits at the same depth in `src/` and `dist/`
 * (apps/server/{src,dist}/modules/templates), so one relative path serves both.
 */
export const DEFAULT_TEMPLATES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../../templates',
);

/** The directory the catalogue reads: `TEMPLATES_DIR` when set, else the repository's `templates/`. */
export function templatesDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.TEMPLATES_DIR?.trim();
  return configured ? resolve(configured) : DEFAULT_TEMPLATES_DIR;
}

/** A pack of the catalogue as `GET /templates` lists it (from its manifest). */
export interface TemplateSummary {
  key: string;
  name: unknown;
  version: string;
  description?: unknown;
}

/** A template read from its directory: the pack and, when asked for, its demo records by form key. */
export interface LoadedTemplate {
  pack: Record<string, unknown>;
  records?: Record<string, unknown[]>;
}

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // A broken file of a template is the template's fault, named so its author finds it.
    throw appError('UNPROCESSABLE', 'template.badJson', [
      {
        path: `/${basename(dirname(path))}/${basename(path)}`,
        message: t('detail.jsonError', { reason: (error as Error).message }),
      },
    ]);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await readFile(path);
    return true;
  } catch {
    return false;
  }
}

/** The `*.json` files of a directory, by file name (authors order forms with a numeric prefix). */
async function jsonFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

async function readAll(dir: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const name of await jsonFiles(dir)) out.push(await readJson(join(dir, name)));
  return out;
}

/** The manifest of a template directory: `manifest.json`, or the manifest inside `pack.json`. */
async function manifestOf(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    if (await exists(join(dir, 'manifest.json')))
      return (await readJson(join(dir, 'manifest.json'))) as Record<string, unknown>;
    if (await exists(join(dir, 'pack.json')))
      return ((await readJson(join(dir, 'pack.json'))) as { manifest?: Record<string, unknown> }).manifest;
  } catch {
    // Unreadable JSON: not listed; `pnpm test` validates every pack of the repository instead.
  }
  return undefined;
}

/** The template directories of the catalogue with their manifests (a missing catalogue is empty). */
async function scan(root: string): Promise<Array<{ dir: string; manifest: Record<string, unknown> }>> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Array<{ dir: string; manifest: Record<string, unknown> }> = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(root, entry.name);
    const manifest = await manifestOf(dir);
    if (manifest && typeof manifest.key === 'string') out.push({ dir, manifest });
  }
  return out;
}

/** The directory of the catalogue's pack with this manifest key, or undefined. */
export async function templateDirOf(root: string, key: string): Promise<string | undefined> {
  return (await scan(root)).find((t) => t.manifest.key === key)?.dir;
}

/** Lists the packs of a templates directory by their manifests, sorted by key. */
export async function listTemplates(root: string): Promise<TemplateSummary[]> {
  const found = await scan(root);
  return found
    .map(({ manifest }) => {
      const summary: TemplateSummary = {
        key: String(manifest.key),
        name: manifest.name,
        version: String(manifest.version ?? ''),
      };
      if (manifest.description !== undefined) summary.description = manifest.description;
      return summary;
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Reads one pack of the catalogue by its manifest key (never by a path from the request), or undefined.
 * A directory holds either a whole pack in `pack.json`, or its parts: `manifest.json`, `app.json`,
 * `forms/*.json`, `flows/*.json`, `automations/*.json`, `dashboards/*.json` (or `reports/`), `roles.json`;
 * demo records live in `demo/<formKey>.json` (arrays of `{ ref?, data }`) and are read only on request.
 */
export async function loadTemplate(
  root: string,
  key: string,
  options: { demoData?: boolean } = {},
): Promise<LoadedTemplate | undefined> {
  const found = (await scan(root)).find((t) => t.manifest.key === key);
  if (!found) return undefined;
  const { dir, manifest } = found;
  let pack: Record<string, unknown>;
  if (await exists(join(dir, 'pack.json'))) {
    pack = (await readJson(join(dir, 'pack.json'))) as Record<string, unknown>;
  } else {
    pack = { manifest };
    if (await exists(join(dir, 'app.json'))) pack.app = await readJson(join(dir, 'app.json'));
    pack.forms = await readAll(join(dir, 'forms'));
    const flows = await readAll(join(dir, 'flows'));
    const automations = await readAll(join(dir, 'automations'));
    const dashboards = [
      ...(await readAll(join(dir, 'dashboards'))),
      ...(await readAll(join(dir, 'reports'))),
    ];
    if (flows.length > 0) pack.flows = flows;
    if (automations.length > 0) pack.automations = automations;
    if (dashboards.length > 0) pack.dashboards = dashboards;
    if (await exists(join(dir, 'roles.json'))) pack.roles = await readJson(join(dir, 'roles.json'));
  }
  const { records: packRecords, ...rest } = pack;
  if (!options.demoData) return { pack: rest };
  const records: Record<string, unknown[]> = { ...((packRecords as Record<string, unknown[]>) ?? {}) };
  for (const name of await jsonFiles(join(dir, 'demo'))) {
    const list = await readJson(join(dir, 'demo', name));
    records[name.replace(/\.json$/, '')] = Array.isArray(list) ? list : [list];
  }
  return Object.keys(records).length > 0 ? { pack: rest, records } : { pack: rest };
}
