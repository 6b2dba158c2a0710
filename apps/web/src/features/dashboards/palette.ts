/** The palette of every chart (antd's blue first), so a series keeps its colour across widgets. */
export const PALETTE = [
  '#1d4ed8',
  '#16a34a',
  '#f59e0b',
  '#db2777',
  '#0891b2',
  '#7c3aed',
  '#ea580c',
  '#64748b',
];
