import i18next from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { setRequestLanguage } from '../api/client';

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

// Each language is its own chunk: a page loads the texts of the language it shows, not of both.
const RESOURCES: Record<Language, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./en.json'),
  'zh-CN': () => import('./zh-CN.json'),
};

async function loadResources(language: Language): Promise<void> {
  if (i18next.hasResourceBundle(language, 'translation')) return;
  const { default: texts } = await RESOURCES[language]();
  i18next.addResourceBundle(language, 'translation', texts);
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
 * Initialises i18next once: stored choice first, then the browser's preferred languages. Settles when
 * the texts of that language are loaded, so the first render is translated.
 */
export async function initI18n(): Promise<typeof i18next> {
  i18next.on('languageChanged', syncDocumentLanguage);
  await i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: {},
      // Texts are added by loadResources, not by a backend.
      partialBundledLanguages: true,
      supportedLngs: [...LANGUAGES],
      // Both files hold every key (a test checks parity), so the fallback is never needed at run time.
      fallbackLng: false,
      interpolation: { escapeValue: false },
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        // Only an explicit switch is remembered; a detected language follows the browser.
        caches: [],
        convertDetectedLanguage: (lng: string) => toLanguage(lng),
      },
    });
  const language = toLanguage(i18next.language);
  await loadResources(language);
  await i18next.changeLanguage(language);
  return i18next;
}
