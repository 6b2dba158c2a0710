import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { templateDirOf } from '../templates/catalogue.js';
import type { DemoGenerator } from './plan.js';

/** Where a template keeps its demo generator, relative to its directory. */
export const DEMO_GENERATOR = 'demo/generate.mjs';

/**
 * The demo generator of a catalogue template (`demo/generate.mjs` exporting `generate`), or undefined when
 * the template has none. The catalogue is the server's own directory (TEMPLATES_DIR), never a request's.
 */
export async function loadDemoGenerator(root: string, key: string): Promise<DemoGenerator | undefined> {
  const dir = await templateDirOf(root, key);
  if (!dir) return undefined;
  const file = join(dir, DEMO_GENERATOR);
  try {
    await access(file);
  } catch {
    return undefined;
  }
  const module = (await import(pathToFileURL(file).href)) as { generate?: unknown; default?: unknown };
  const generate = module.generate ?? module.default;
  if (typeof generate !== 'function') throw new Error(`${file} exports no generate function`);
  return generate as DemoGenerator;
}
