import type { Connection } from 'mongoose';
import type { FormTarget } from './context.js';
import type { CreateExtension } from './write.js';

/**
 * What a submission (a record created through `POST .../records`) may start besides the record: the flow
 * runtime registers here, so the records module needs no knowledge of flows. Answers the extension of this
 * create, or undefined when nothing starts (the form has no published flow).
 */
export type SubmitHook = (target: FormTarget) => Promise<CreateExtension | undefined>;

const hooks = new WeakMap<Connection, SubmitHook>();

/** Sets the submit hook of a store connection (one per app; the flows module's routes set it). */
export function setSubmitHook(connection: Connection, hook: SubmitHook): void {
  hooks.set(connection, hook);
}

/** The extension a submission to this form gets, if any. */
export async function submitExtension(target: FormTarget): Promise<CreateExtension | undefined> {
  const hook = hooks.get(target.connection);
  return hook ? hook(target) : undefined;
}
