// WCAG 2.x contrast, so a label drawn on a coloured shape (a funnel stage, a bar) stays readable whatever
// colour the palette gives that shape: white on the blue stage, near-black on the amber one.

/** Dark label colour for light shapes (near-black: antd's #1f1f1f falls short of AA on the cyan stage). */
export const DARK_LABEL = '#111111';
/** Light label colour for dark shapes. */
export const LIGHT_LABEL = '#ffffff';
/** WCAG AA's least contrast for normal-size text. */
export const AA_TEXT = 4.5;

function channels(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
}

/** Relative luminance of an `#rrggbb` (or `#rgb`) colour, as WCAG defines it. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of two colours, 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The label colour (white or near-black) that contrasts most with a shape of colour `background`. */
export function labelColorOn(background: string): string {
  return contrastRatio(LIGHT_LABEL, background) >= contrastRatio(DARK_LABEL, background)
    ? LIGHT_LABEL
    : DARK_LABEL;
}
