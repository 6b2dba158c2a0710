import { useEffect, useRef, useState } from 'react';
import { useRealtimeEvent } from '../../api/realtime';

/** How long changes are gathered before widgets load again: a burst of writes costs one refetch. */
export const LIVE_DEBOUNCE_MS = 800;

/**
 * A counter per widget that goes up when records of the widget's forms (its source and the forms its
 * target series read) were created, changed or deleted — as the server announces them to this viewer,
 * so only records they may see (docs/realtime.md). Changes are gathered for {@link LIVE_DEBOUNCE_MS}.
 */
export function useLiveRefresh(formsOf: ReadonlyMap<string, ReadonlySet<string>>): Record<string, number> {
  const [ticks, setTicks] = useState<Record<string, number>>({});
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(formsOf);
  latest.current = formsOf;

  useEffect(() => () => clearTimeout(timer.current), []);

  const changed = ({ form }: { form: string }) => {
    for (const [widget, forms] of latest.current) if (forms.has(form)) pending.current.add(widget);
    if (pending.current.size === 0 || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      const due = [...pending.current];
      pending.current.clear();
      setTicks((current) => {
        const next = { ...current };
        for (const widget of due) next[widget] = (next[widget] ?? 0) + 1;
        return next;
      });
    }, LIVE_DEBOUNCE_MS);
  };
  useRealtimeEvent('record:created', changed);
  useRealtimeEvent('record:updated', changed);
  useRealtimeEvent('record:deleted', changed);
  return ticks;
}
