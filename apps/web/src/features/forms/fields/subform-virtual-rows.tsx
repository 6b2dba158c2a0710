import { useVirtualizer } from '@tanstack/react-virtual';
import type { ReactNode, RefObject } from 'react';

/**
 * A long subform's rows, virtualized: of 2,000 rows only those on screen (and a few around) render.
 * Loaded by the subform widget once a subform has more rows than it renders as they are.
 */
export function VirtualRows({
  count,
  scroller,
  estimate,
  render,
}: {
  count: number;
  scroller: RefObject<HTMLElement | null>;
  /** The expected height of a row, in px (rows are measured once shown). */
  estimate: number;
  render(index: number): ReactNode;
}) {
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimate,
    overscan: 6,
    measureElement: (element) => element.getBoundingClientRect().height,
  });
  return (
    <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {virtualizer.getVirtualItems().map((item) => (
        <div
          key={item.key}
          data-index={item.index}
          ref={virtualizer.measureElement}
          style={{
            position: 'absolute',
            top: 0,
            left: 0,
            width: '100%',
            transform: `translateY(${item.start}px)`,
          }}
        >
          {render(item.index)}
        </div>
      ))}
    </div>
  );
}
