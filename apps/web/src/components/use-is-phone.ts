import { useSyncExternalStore } from 'react';

/** Below antd's `md` breakpoint (768 px): the layout made for phones. */
export const PHONE_QUERY = '(max-width: 767.98px)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(PHONE_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/**
 * True on phone-sized screens. Read synchronously from `matchMedia` (antd's `useBreakpoint` answers only
 * after an effect), so the first paint already has the right layout and nothing flashes.
 */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(PHONE_QUERY).matches,
    () => false,
  );
}
