import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import type { Language } from './index';

// antd's own texts (empty states, pickers, dialogs) per UI language. English is antd's default and
// always bundled; another language's file loads with that language's UI texts (index.ts), so a page
// does not carry the locales of languages it does not show.
const LOADERS: Partial<Record<Language, () => Promise<{ default: Locale }>>> = {
  'zh-CN': () => import('antd/es/locale/zh_CN'),
};

const loaded: Partial<Record<Language, Locale>> = { en: enUS };

/** Loads antd's locale of `language` (before the UI switches to it). */
export async function loadAntdLocale(language: Language): Promise<void> {
  const load = LOADERS[language];
  if (loaded[language] || !load) return;
  loaded[language] = (await load()).default;
}

/** antd's locale of `language`, once {@link loadAntdLocale} loaded it (English until then). */
export function antdLocaleOf(language: Language): Locale {
  return loaded[language] ?? enUS;
}
