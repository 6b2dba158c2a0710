/**
 * The UI texts of a language load in two parts: `core`, the areas of the app's frame (header,
 * navigation, app menu, live notices) and of the form-filling route, loaded before the first render;
 * `rest`, every other area, loaded with the pages that need it (index.ts). A form opened from a link
 * thus loads a few KB of texts instead of all of them. The build serves `<language>.json?part=core`
 * and `?part=rest` by {@link textsPart} (vite.config.ts).
 */
export const CORE_AREAS: readonly string[] = [
  'apps',
  'boot',
  'common',
  'explain',
  'fields',
  'fill',
  'inbox',
  'lang',
  'mentions',
  'nav',
  'outbox',
  'user',
];

/** One of the two parts of a language's texts. */
export type TextsPart = 'core' | 'rest';

/** The top-level areas of `texts` that belong to `part`. */
export function textsPart(texts: Record<string, unknown>, part: TextsPart): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(texts).filter(([area]) => CORE_AREAS.includes(area) === (part === 'core')),
  );
}
