import { useEffect, useSyncExternalStore } from 'react';

/** One cached value: absent until loaded, with the load in flight and any failure. */
interface Entry {
  value?: unknown;
  error?: unknown;
  loading?: Promise<void>;
  loadedAt?: number;
}

const entries = new Map<string, Entry>();
const listeners = new Set<() => void>();
let version = 0;

function notify(): void {
  version += 1;
  for (const listener of listeners) listener();
}

/**
 * Loads `key` once for every component that asks (members of a workspace, titles of related records),
 * however many fields show it; the value stays for `maxAgeMs`.
 */
export function ensureLoaded(key: string, load: () => Promise<unknown>, maxAgeMs = 60_000): void {
  const entry = entries.get(key);
  if (entry?.loading) return;
  if (entry && 'value' in entry && entry.loadedAt !== undefined && Date.now() - entry.loadedAt < maxAgeMs)
    return;
  const next: Entry = { ...entry };
  next.loading = load().then(
    (value) => {
      entries.set(key, { value, loadedAt: Date.now() });
      notify();
    },
    (error: unknown) => {
      entries.set(key, { error, loadedAt: Date.now() });
      notify();
    },
  );
  entries.set(key, next);
}

/** Drops cached values whose key starts with `prefix` (after a change the cache cannot see). */
export function invalidateCached(prefix: string): void {
  for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
  notify();
}

/** Stores a value known from elsewhere (a batch answer, a record just saved). */
export function primeCached(key: string, value: unknown): void {
  entries.set(key, { value, loadedAt: Date.now() });
  notify();
}

/** Reads a cached value (undefined until loaded). */
export function peekCached<T>(key: string): T | undefined {
  return entries.get(key)?.value as T | undefined;
}

/** Re-renders the component whenever any cached value arrives (for one reading several with `peekCached`). */
export function useCacheChanges(): void {
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => version,
  );
}

/** A cached value, loaded on first use; re-renders when it arrives. */
export function useShared<T>(
  key: string | null,
  load: () => Promise<T>,
  maxAgeMs?: number,
): {
  value: T | undefined;
  error: unknown;
} {
  useCacheChanges();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names what `load` loads.
  useEffect(() => {
    if (key) ensureLoaded(key, load, maxAgeMs);
  }, [key]);
  const entry = key ? entries.get(key) : undefined;
  return { value: entry?.value as T | undefined, error: entry?.error };
}
