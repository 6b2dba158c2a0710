import type { Types } from 'mongoose';
import { whenCommitted } from '../realtime/bus.js';
import type { FormTarget } from './context.js';
import type { RecordDoc } from './model.js';

/**
 * How a write came about. Imports and bulk edits say so (automations fire for them only when asked to);
 * writes made by automations carry the chain of automations that led to them (loop guard), a mark that
 * makes a retried action recognise its own earlier write, and the id and owner the record is to have.
 */
export interface WriteOrigin {
  via: 'api' | 'import' | 'bulk' | 'automation';
  /** Ids of the automations whose actions led to this write, outermost first. */
  chain?: readonly string[];
  /** Stored on the record with the write (`applied`), in the same atomic update. */
  mark?: string;
  /** The id a created record gets (an automation derives it from its idempotency key). */
  id?: Types.ObjectId;
  /** Owner (and department) of a created record instead of the caller. */
  owner?: { user: Types.ObjectId; dept: Types.ObjectId | null };
}

/** A committed record write, with the record before (null for a create) and after it. */
export interface RecordWriteEvent {
  type: 'created' | 'updated' | 'deleted' | 'restored';
  target: FormTarget;
  before: RecordDoc | null;
  after: RecordDoc;
}

type WriteHook = (event: RecordWriteEvent) => Promise<void>;
const hooks = new Set<WriteHook>();

/** Calls `hook` after every committed record write (automations enqueue their trigger jobs here). */
export function onRecordWritten(hook: WriteHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/**
 * Runs the write hooks for a committed write. Inside an all-or-nothing import they run only once the
 * import is kept, so records that get undone never trigger anything.
 */
export async function recordWritten(event: RecordWriteEvent): Promise<void> {
  if (hooks.size === 0) return;
  await whenCommitted(event.target.connection, async () => {
    for (const hook of hooks) await hook(event);
  });
}
