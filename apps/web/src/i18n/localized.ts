import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

/** Text in several locales, as the meta-model stores names and labels (or a plain string). */
export type LocalizedText = Readonly<Record<string, string>> | string;

/** Text of a localized name in `language`, falling back to English, then to any language given. */
export function localized(text: LocalizedText | undefined | null, language: string): string {
  if (text === undefined || text === null) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text.en ?? text['zh-CN'] ?? Object.values(text)[0] ?? '';
}

/** `localized` bound to the UI language: `const l = useLocalized(); l(form.name, form.key)`. */
export function useLocalized(): (text: LocalizedText | undefined | null, fallback?: string) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  return useCallback(
    (text, fallback = '') => localized(text as LocalizedText | undefined, language) || fallback,
    [language],
  );
}
