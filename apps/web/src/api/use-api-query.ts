import { type DependencyList, useCallback, useEffect, useState } from 'react';
import { ApiError, CLIENT_ERROR_CODES } from './client';

/** The three states a page shows for data it loads. */
export type QueryState<T> =
  /** `previous` keeps the last data on screen while it reloads, so tables do not flash empty. */
  { status: 'loading'; previous?: T } | { status: 'error'; error: ApiError } | { status: 'success'; data: T };

/** A loaded value plus a way to load it again. */
export type QueryResult<T> = QueryState<T> & { retry: () => void };

/**
 * Loads data when `deps` change and aborts the previous request, so a slow old answer can never
 * overwrite a newer one.
 */
export function useApiQuery<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
): QueryResult<T> {
  const [state, setState] = useState<QueryState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers list what `load` depends on in `deps`.
  const stableLoad = useCallback(load, deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` is what makes retry() load again.
  useEffect(() => {
    const controller = new AbortController();
    setState((current) =>
      current.status === 'success' ? { status: 'loading', previous: current.data } : { status: 'loading' },
    );
    stableLoad(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: 'success', data });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError =
          error instanceof ApiError
            ? error
            : new ApiError(
                0,
                CLIENT_ERROR_CODES.network,
                error instanceof Error ? error.message : String(error),
              );
        setState({ status: 'error', error: apiError });
      },
    );
    return () => controller.abort();
  }, [stableLoad, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
