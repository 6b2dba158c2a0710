import type { ReactNode } from 'react';
import type { Dashboard } from './dashboards-api';

/** Height of one grid row and the gap between cells, in pixels (the pack's layout counts rows). */
export const ROW_HEIGHT = 40;
export const GAP = 16;

/** A widget's place: from the layout, else stacked full-width below the others. */
export interface Placement {
  widget: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Default height in rows of a widget the layout does not place. */
const DEFAULT_H: Record<string, number> = { kpi: 4, gauge: 6 };

/** Every widget's place: the layout's, and for widgets it leaves out one full row each below the rest. */
export function placements(dashboard: Dashboard): Placement[] {
  const layout = dashboard.layout ?? [];
  let bottom = layout.reduce((max, p) => Math.max(max, p.y + p.h), 0);
  return dashboard.widgets.map((widget) => {
    const placed = layout.find((p) => p.widget === widget.key);
    if (placed) return placed;
    const h = DEFAULT_H[widget.type] ?? 8;
    const place = { widget: widget.key, x: 0, y: bottom, w: 24, h };
    bottom += h;
    return place;
  });
}

/** The pixel height of a cell `h` rows tall. */
export const cellHeight = (h: number) => h * ROW_HEIGHT + (h - 1) * GAP;

/**
 * The 24-column grid of a dashboard (CSS grid, one track per column and row). On phones the widgets stack
 * in reading order (top to bottom, then left to right), each as wide as the screen.
 */
export function DashboardGrid({
  dashboard,
  phone,
  render,
}: {
  dashboard: Dashboard;
  phone: boolean;
  render(place: Placement): ReactNode;
}) {
  const places = placements(dashboard);
  if (phone) {
    const ordered = [...places].sort((a, b) => a.y - b.y || a.x - b.x);
    return (
      <div
        style={{ display: 'flex', flexDirection: 'column', gap: 12, minWidth: 0 }}
        data-testid="dashboard-grid"
      >
        {ordered.map((place) => (
          <div key={place.widget} style={{ minWidth: 0 }}>
            {render(place)}
          </div>
        ))}
      </div>
    );
  }
  return (
    <div
      data-testid="dashboard-grid"
      style={{
        display: 'grid',
        gridTemplateColumns: 'repeat(24, minmax(0, 1fr))',
        gridAutoRows: ROW_HEIGHT,
        gap: GAP,
      }}
    >
      {places.map((place) => (
        <div
          key={place.widget}
          style={{
            gridColumn: `${place.x + 1} / span ${place.w}`,
            gridRow: `${place.y + 1} / span ${place.h}`,
            minWidth: 0,
          }}
        >
          {render(place)}
        </div>
      ))}
    </div>
  );
}
