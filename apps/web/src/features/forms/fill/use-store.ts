import { createContext, useContext, useSyncExternalStore } from 'react';
import { type FormStore, TOPIC } from './form-store';

/** The store of the form being filled, for widgets that edit more than one value (subforms). */
export const FormStoreContext = createContext<FormStore | null>(null);

export function useFormStore(): FormStore | null {
  return useContext(FormStoreContext);
}

/** One value of the store; re-renders only when that key changes. */
export function useStoreValue(store: FormStore, key: string): unknown {
  useSyncExternalStore(
    (listener) => store.subscribe(key, listener),
    () => store.version(key),
  );
  return store.get(key);
}

/** The errors at one path (`amount`, `items/3/qty`). */
export function useStoreErrors(store: FormStore, path: string): readonly string[] | undefined {
  useSyncExternalStore(
    (listener) => store.subscribe(TOPIC.errors, listener),
    () => store.version(TOPIC.errors),
  );
  return store.errorsAt(path);
}

const NO_TOPIC = () => () => {};

/** The errors at one path of a store, when there is a store (subform cells shown without one have none). */
export function useMaybeStoreErrors(store: FormStore | null, path: string): readonly string[] | undefined {
  useSyncExternalStore(
    store ? (listener) => store.subscribe(TOPIC.errors, listener) : NO_TOPIC,
    () => store?.version(TOPIC.errors) ?? 0,
  );
  return store?.errorsAt(path);
}

/** Fields hidden by their visibility rules now. */
export function useStoreHidden(store: FormStore): ReadonlySet<string> {
  useSyncExternalStore(
    (listener) => store.subscribe(TOPIC.hidden, listener),
    () => store.version(TOPIC.hidden),
  );
  return store.hidden;
}

/** Re-renders on every change (a summary of the whole form). */
export function useStoreAny(store: FormStore): Record<string, unknown> {
  useSyncExternalStore(
    (listener) => store.subscribe(TOPIC.any, listener),
    () => store.version(TOPIC.any),
  );
  return store.data;
}
