import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import { realtime } from '../../api/realtime';
import { type FilterNode, type RecordView, recordsApi } from '../../api/records';

/** What a list shows: its filter, search and sort. */
export interface ListQueryState {
  filter: FilterNode | null;
  q: string;
  sort: string;
}

const PAGE = 50;

/** The default order: newest first, as the server sorts without `sort`. */
export const NEWEST_FIRST = '-_createdAt';

interface State {
  items: RecordView[];
  nextCursor: string | null;
  status: 'loading' | 'ready' | 'error' | 'more';
  error?: ApiError | undefined;
  /** Records that arrived live while the user was further down the list (shown on request). */
  waiting: RecordView[];
}

/**
 * A form's records for a query, page by page (cursor pagination, "load more"), kept current over
 * socket.io: a change to a record on screen replaces it where it is; a new record appears at the top of a
 * newest-first list — or waits behind a "new records" notice when the user has scrolled down, so nobody
 * loses their place. Whether a new or changed record belongs to a filtered list is asked of the server
 * (the same query with the record's id), never guessed in the browser.
 */
export function useRecordList(
  workspaceId: string,
  formId: string,
  query: ListQueryState,
  options: { isScrolled: () => boolean },
) {
  const [state, setState] = useState<State>({ items: [], nextCursor: null, status: 'loading', waiting: [] });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(query);
  latest.current = query;
  const scrolled = useRef(options.isScrolled);
  scrolled.current = options.isScrolled;
  const key = JSON.stringify(query);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the query; attempt reloads.
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, status: 'loading', error: undefined, waiting: [] }));
    recordsApi.list(workspaceId, formId, { ...listArgs(query), limit: PAGE }, controller.signal).then(
      (page) => setState({ items: page.items, nextCursor: page.nextCursor, status: 'ready', waiting: [] }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, status: 'error', error: toApiError(error) }));
      },
    );
    return () => controller.abort();
  }, [workspaceId, formId, key, attempt]);

  const loadMore = useCallback(() => {
    setState((s) => {
      if (!s.nextCursor || s.status !== 'ready') return s;
      const cursor = s.nextCursor;
      recordsApi.list(workspaceId, formId, { ...listArgs(latest.current), limit: PAGE, cursor }).then(
        (page) =>
          setState((now) => ({
            ...now,
            items: [...now.items, ...page.items.filter((r) => !now.items.some((i) => i.id === r.id))],
            nextCursor: page.nextCursor,
            status: 'ready',
          })),
        (error: unknown) => setState((now) => ({ ...now, status: 'error', error: toApiError(error) })),
      );
      return { ...s, status: 'more' };
    });
  }, [workspaceId, formId]);

  // Live changes of this form's records.
  useEffect(() => {
    const matches = async (record: RecordView): Promise<RecordView | null> => {
      const q = latest.current;
      if (!q.filter && !q.q.trim()) return record;
      const idFilter: FilterNode = { field: '_id', op: 'eq', value: record.id };
      const page = await recordsApi.list(workspaceId, formId, {
        ...listArgs(q),
        filter: q.filter ? { and: [q.filter, idFilter] } : idFilter,
        limit: 1,
      });
      return page.items[0] ?? null;
    };
    const offCreated = realtime.on('record:created', (event) => {
      if (event.form !== formId) return;
      void matches(event.record as unknown as RecordView).then((record) => {
        if (!record) return;
        setState((s) => {
          if (s.items.some((i) => i.id === record.id)) return s;
          // Only a newest-first list has an obvious place for a new record: the top.
          if (latest.current.sort !== NEWEST_FIRST) return { ...s, waiting: [record, ...s.waiting] };
          if (scrolled.current())
            return { ...s, waiting: [record, ...s.waiting.filter((w) => w.id !== record.id)] };
          return { ...s, items: [record, ...s.items] };
        });
      });
    });
    const offUpdated = realtime.on('record:updated', (event) => {
      if (event.form !== formId) return;
      const changed = event.record as unknown as RecordView;
      void matches(changed).then((record) => {
        setState((s) => {
          const index = s.items.findIndex((i) => i.id === changed.id);
          if (index < 0) return s;
          const items = [...s.items];
          // Still in the list: replaced where it is. No longer matching: it leaves.
          if (record) items[index] = record;
          else items.splice(index, 1);
          return { ...s, items };
        });
      });
    });
    const offDeleted = realtime.on('record:deleted', (event) => {
      if (event.form !== formId) return;
      setState((s) => ({
        ...s,
        items: s.items.filter((i) => i.id !== event.id),
        waiting: s.waiting.filter((w) => w.id !== event.id),
      }));
    });
    return () => {
      offCreated();
      offUpdated();
      offDeleted();
    };
  }, [workspaceId, formId]);

  return {
    ...state,
    retry: () => setAttempt((n) => n + 1),
    loadMore,
    /** Shows the records that arrived while the user was scrolled down, at the top. */
    showWaiting: () =>
      setState((s) => ({
        ...s,
        items: [...s.waiting, ...s.items.filter((i) => !s.waiting.some((w) => w.id === i.id))],
        waiting: [],
      })),
    /** Replaces records after a bulk change, and drops removed ones. */
    patch: (changed: RecordView[], removed: string[]) =>
      setState((s) => ({
        ...s,
        items: s.items
          .filter((i) => !removed.includes(i.id))
          .map((i) => changed.find((c) => c.id === i.id) ?? i),
      })),
  };
}

function listArgs(query: ListQueryState) {
  return {
    ...(query.filter ? { filter: query.filter } : {}),
    ...(query.q.trim() ? { q: query.q } : {}),
    sort: query.sort,
  };
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'NETWORK_ERROR', String(error));
}
