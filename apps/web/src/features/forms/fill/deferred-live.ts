import type { LiveForm } from '@formloom/form-runtime';
import type { FormDefinitionSummary } from '../../../api/apps';

/** The formula engine (packages/form-runtime, packages/formula and their function libraries), one chunk. */
const loadEngine = () => import('./use-live-form');

type Engine = Awaited<ReturnType<typeof loadEngine>>;

let loaded: Engine | undefined;
let loading: Promise<Engine> | undefined;

/** What a form's store computes with: its LiveForm, and for a new record the defaults to fill in. */
export interface ReadyEngine {
  live: LiveForm;
  /** Fills the defaults the values leave out (a new record only; typed values are kept). */
  prepare?: (data: Record<string, unknown>) => Record<string, unknown>;
}

function readyWith(
  engine: Engine,
  form: FormDefinitionSummary,
  forms: readonly FormDefinitionSummary[],
  newRecordFor: string | undefined,
): ReadyEngine {
  const live = engine.liveFormOf(form, forms);
  if (newRecordFor === undefined) return { live };
  return { live, prepare: (data) => engine.defaultsFor(live, forms, newRecordFor, data) };
}

/** The engine of a form when its code is already loaded (no flash of uncomputed values), else undefined. */
export function engineNow(
  form: FormDefinitionSummary,
  forms: readonly FormDefinitionSummary[],
  newRecordFor?: string,
): ReadyEngine | undefined {
  return loaded ? readyWith(loaded, form, forms, newRecordFor) : undefined;
}

/**
 * The engine of a form, its code fetched on first use. A form is shown and typeable without it: the
 * engine is the largest part of the form route's JavaScript, so it is fetched once the fields are on
 * the page and computes as soon as it arrives. `newRecordFor` (the member creating a new record) adds
 * the defaults to fill in.
 */
export async function loadEngineFor(
  form: FormDefinitionSummary,
  forms: readonly FormDefinitionSummary[],
  newRecordFor?: string,
): Promise<ReadyEngine> {
  loading ??= loadEngine().then((engine) => {
    loaded = engine;
    return engine;
  });
  return readyWith(await loading, form, forms, newRecordFor);
}
