import { HolderOutlined } from '@ant-design/icons';
import { useMemo } from 'react';
import ReactGridLayout, { type Layout, useContainerWidth } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { useTranslation } from 'react-i18next';
import { cellHeight, GAP, type Placement, placements, ROW_HEIGHT } from '../dashboard-grid';
import type { Dashboard } from '../dashboards-api';

/**
 * The dashboard's 24-column grid in the designer: widgets dragged by their handle and resized from the
 * corner (react-grid-layout), the same rows and gaps as the view. The selected widget is outlined; a
 * widget is selected by click or by Enter on its handle (the panel's position fields move it by keyboard).
 * On a phone the widgets stack full width, as the dashboard view shows them there.
 */
export function DesignerGrid({
  dashboard,
  phone = false,
  selected,
  onSelect,
  onLayout,
  render,
}: {
  dashboard: Dashboard;
  /** On a phone the widgets stack full width in reading order, as the view shows them (no dragging). */
  phone?: boolean;
  selected: string | null;
  onSelect(key: string): void;
  onLayout(next: Placement[]): void;
  render(place: Placement): React.ReactNode;
}) {
  const { t } = useTranslation();
  const { width, containerRef, mounted } = useContainerWidth();
  const places = placements(dashboard);
  const layout: Layout = useMemo(
    () => places.map((p) => ({ i: p.widget, x: p.x, y: p.y, w: p.w, h: p.h, minW: 2, minH: 2 })),
    [places],
  );
  const cell = (place: Placement) => (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the handle button selects by keyboard.
    <div
      key={place.widget}
      data-testid={`designer-cell-${place.widget}`}
      onMouseDown={() => onSelect(place.widget)}
      style={{
        borderRadius: 10,
        outline: selected === place.widget ? '2px solid #1d4ed8' : '1px dashed #cbd5e1',
        outlineOffset: 2,
        position: 'relative',
        minWidth: 0,
      }}
    >
      <button
        type="button"
        className="widget-drag-handle"
        aria-label={t('dashboards.designer.select', { key: place.widget })}
        aria-pressed={selected === place.widget}
        onClick={() => onSelect(place.widget)}
        style={{
          position: 'absolute',
          top: 6,
          right: 8,
          zIndex: 2,
          cursor: phone ? 'pointer' : 'move',
          border: 'none',
          background: '#eff6ff',
          color: '#1d4ed8',
          borderRadius: 4,
          padding: '2px 4px',
        }}
      >
        <HolderOutlined />
      </button>
      <div style={{ height: cellHeight(place.h), paddingLeft: 0 }}>{render(place)}</div>
    </div>
  );
  if (phone) {
    // The layout stays as saved: on a phone it is only read (the panel's position fields still edit it).
    const ordered = [...places].sort((a, b) => a.y - b.y || a.x - b.x);
    return (
      <div
        data-testid="designer-grid"
        style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}
      >
        {ordered.map(cell)}
      </div>
    );
  }
  return (
    <div ref={containerRef} data-testid="designer-grid" style={{ minWidth: 0 }}>
      {mounted && (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={{ cols: 24, rowHeight: ROW_HEIGHT, margin: [GAP, GAP], containerPadding: [0, 0] }}
          dragConfig={{ enabled: true, handle: '.widget-drag-handle' }}
          resizeConfig={{ enabled: true, handles: ['se'] }}
          onLayoutChange={(next) =>
            onLayout(next.map((item) => ({ widget: item.i, x: item.x, y: item.y, w: item.w, h: item.h })))
          }
        >
          {places.map(cell)}
        </ReactGridLayout>
      )}
    </div>
  );
}
