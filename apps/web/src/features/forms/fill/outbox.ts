import { ApiError } from '../../../api/client';
import { recordsApi } from '../../../api/records';

/** A submission made without a connection, waiting to be sent. */
export interface QueuedSubmission {
  /** Sent as `Idempotency-Key`: a repeat after a lost answer gets the first answer, not a second record. */
  key: string;
  userId: string;
  workspaceId: string;
  appId: string;
  formId: string;
  /** The form's name when queued, for the waiting list. */
  formName: string;
  data: Record<string, unknown>;
  queuedAt: string;
  /** The server refused it (a validation error found only there): it waits for the user, not for a connection. */
  refused?: { message: string; details: ReadonlyArray<{ path: string; message: string }> };
}

const KEY = 'formloom.outbox.v1';
const listeners = new Set<() => void>();

function read(): QueuedSubmission[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as QueuedSubmission[]) : [];
  } catch {
    return [];
  }
}

function write(list: readonly QueuedSubmission[]): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* storage full: the entry stays in memory until sent */
  }
  for (const listener of listeners) listener();
}

/** The waiting submissions of one user. */
export function queued(userId: string): QueuedSubmission[] {
  return read().filter((entry) => entry.userId === userId);
}

export function enqueue(entry: QueuedSubmission): void {
  write([...read().filter((e) => e.key !== entry.key), entry]);
}

export function discard(key: string): void {
  write(read().filter((e) => e.key !== key));
}

export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab sending or queueing changes the list too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** A fresh idempotency key. */
export function newSubmissionKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

let flushing: Promise<number> | undefined;

/**
 * Sends the user's waiting submissions, oldest first, each with its idempotency key, so a submission is
 * stored exactly once however often this runs (reconnects, two tabs, a reload mid-send). Stops at the
 * first network failure (still offline); a refusal by the server is kept for the user to fix. Resolves
 * with the number sent.
 */
export function flushOutbox(
  userId: string,
  onSent?: (entry: QueuedSubmission, recordId: string) => void,
): Promise<number> {
  flushing ??= (async () => {
    let sent = 0;
    try {
      for (const entry of queued(userId)) {
        if (entry.refused) continue;
        try {
          const record = await recordsApi.create(entry.workspaceId, entry.formId, entry.data, entry.key);
          discard(entry.key);
          sent += 1;
          onSent?.(entry, record.id);
        } catch (error) {
          if (error instanceof ApiError && error.isNetworkError) break;
          if (
            error instanceof ApiError &&
            (error.status === 409 || error.status === 429 || error.status >= 500)
          )
            break;
          const refused =
            error instanceof ApiError
              ? { message: error.message, details: error.details }
              : { message: String(error), details: [] };
          write(read().map((e) => (e.key === entry.key ? { ...e, refused } : e)));
        }
      }
    } finally {
      flushing = undefined;
    }
    return sent;
  })();
  return flushing;
}
