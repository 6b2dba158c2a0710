/** A form filled so far, kept in this browser so a reload or a closed tab loses nothing. */
export interface Draft {
  data: Record<string, unknown>;
  savedAt: string;
  /** The form version the draft was made on. */
  version: number;
}

const PREFIX = 'formloom.draft.v1';

/** Drafts are per user, workspace and form: someone else signing in on this phone never sees them. */
export function draftKey(userId: string, workspaceId: string, formId: string, recordId?: string): string {
  return `${PREFIX}.${userId}.${workspaceId}.${formId}${recordId ? `.${recordId}` : ''}`;
}

export function loadDraft(key: string): Draft | null {
  try {
    const text = localStorage.getItem(key);
    if (!text) return null;
    const draft = JSON.parse(text) as Draft;
    return draft && typeof draft.data === 'object' ? draft : null;
  } catch {
    return null;
  }
}

export function saveDraft(key: string, draft: Draft): void {
  try {
    localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the form still works, only without reload safety.
  }
}

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    /* nothing stored */
  }
}

/** Calls `save` at most once per `ms` with the latest value, and once more after the last call. */
export function throttled<T>(save: (value: T) => void, ms = 400): { push(value: T): void; flush(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: { value: T } | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (latest) save(latest.value);
    latest = undefined;
  };
  return {
    push(value) {
      latest = { value };
      timer ??= setTimeout(flush, ms);
    },
    flush,
  };
}
