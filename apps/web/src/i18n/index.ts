import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { setRequestLanguage } from '../api/client';
import en from './en.json';
import zhCN from './zh-CN.json';

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

/** Switches the UI language and remembers the choice for the next visit. */
export async function changeLanguage(language: Language): Promise<void> {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Storage disabled: the switch still applies to this visit.
  }
  await i18next.changeLanguage(language);
}

function syncDocumentLanguage(tag: string): void {
  document.documentElement.lang = toLanguage(tag);
  setRequestLanguage(toLanguage(tag));
}

/** Initialises i18next once: stored choice first, then the browser's preferred languages. */
export function initI18n(): typeof i18next {
  i18next.on('languageChanged', syncDocumentLanguage);
  void i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      supportedLngs: [...LANGUAGES],
      fallbackLng: 'en',
      // Resources are bundled, so init completes synchronously and the first render is translated.
      initAsync: false,
      interpolation: { escapeValue: false },
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        // Only an explicit switch is remembered; a detected language follows the browser.
        caches: [],
        convertDetectedLanguage: (lng: string) => toLanguage(lng),
      },
    });
  return i18next;
}
