import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setRequestLanguage } from '../api/client';
import { loadAntdLocale } from './antd-locale';
import type { TextsPart } from './text-parts';

/** Languages the UI ships; the first is the fallback. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** localStorage key of the language the user picked with the switch. */
export const LANGUAGE_STORAGE_KEY = 'formloom.lang';

/** Any Chinese variant the browser prefers maps to zh-CN, everything else to English. */
export function toLanguage(tag: string | undefined): Language {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

// Each language is two chunks (text-parts.ts): the core texts load before the first render, the rest
// with the pages that use them ({@link loadAllTexts}).
type Part = TextsPart;
type Texts = () => Promise<{ default: Record<string, unknown> }>;
const TEXTS: Record<Language, Record<Part, Texts>> = {
  en: { core: () => import('./en.json?part=core'), rest: () => import('./en.json?part=rest') },
  'zh-CN': { core: () => import('./zh-CN.json?part=core'), rest: () => import('./zh-CN.json?part=rest') },
};

const loadedParts = new Set<string>();
/** Set once a page needing the rest of the texts opened: a language switch then loads both parts. */
let restWanted = false;

async function loadPart(language: Language, part: Part): Promise<void> {
  const key = `${language}:${part}`;
  if (loadedParts.has(key)) return;
  const { default: texts } = await TEXTS[language][part]();
  i18next.addResourceBundle(language, 'translation', texts, true, true);
  loadedParts.add(key);
}

async function loadResources(language: Language): Promise<void> {
  await Promise.all([
    loadPart(language, 'core'),
    ...(restWanted ? [loadPart(language, 'rest')] : []),
    loadAntdLocale(language),
  ]);
}

/** Loads the texts of the pages outside the app's frame and the form route; pages await it with their code. */
export async function loadAllTexts(): Promise<void> {
  restWanted = true;
  await loadPart(toLanguage(i18next.language), 'rest');
}

/** Switches the UI language (loading its texts first) and remembers the choice for the next visit. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Storage disabled: the switch still applies to this visit.
  }
  await loadResources(language);
  await i18next.changeLanguage(language);
}

function syncDocumentLanguage(tag: string): void {
  document.documentElement.lang = toLanguage(tag);
  setRequestLanguage(toLanguage(tag));
}

/**
 * The language to start in: the one picked with the switch, else the browser's first preference. Only an
 * explicit switch is remembered; a detected language follows the browser.
 */
function detectLanguage(): Language {
  try {
    const stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    if (stored) return toLanguage(stored);
  } catch {
    // Storage disabled: the browser's preference decides.
  }
  return toLanguage(navigator.languages?.[0] ?? navigator.language);
}

/**
 * Initialises i18next once: stored choice first, then the browser's preferred languages. Settles when
 * the texts of that language are loaded, so the first render is translated.
 */
export async function initI18n(): Promise<typeof i18next> {
  i18next.on('languageChanged', syncDocumentLanguage);
  await i18next.use(initReactI18next).init({
    lng: detectLanguage(),
    resources: {},
    // Texts are added by loadResources, not by a backend.
    partialBundledLanguages: true,
    supportedLngs: [...LANGUAGES],
    // Both files hold every key (a test checks parity), so the fallback is never needed at run time.
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
  const language = toLanguage(i18next.language);
  await loadResources(language);
  await i18next.changeLanguage(language);
  return i18next;
}
