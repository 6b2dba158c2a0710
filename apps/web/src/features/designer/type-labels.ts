import { useTranslation } from 'react-i18next';
import en from '../../i18n/en.json';
import zhCN from '../../i18n/zh-CN.json';
import type { Localized } from './model/form-tree';

type Types = Record<string, string>;
const names: Record<'en' | 'zh-CN', Types> = {
  en: (en as unknown as { designer: { types: Types } }).designer.types,
  'zh-CN': (zhCN as unknown as { designer: { types: Types } }).designer.types,
};

/** A field type's name in both languages, as a new field's label (a type without a translation shows its key). */
export function typeLabel(type: string): Localized {
  return { en: names.en[type] ?? type, 'zh-CN': names['zh-CN'][type] ?? type };
}

/** The current language: `en` or `zh-CN`. */
export function useLanguage(): 'en' | 'zh-CN' {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
}

/** Text of a localized value in `language`, falling back to the other one. */
export function textOf(text: Localized | string | undefined, language: 'en' | 'zh-CN'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text.en ?? text['zh-CN'] ?? '';
}
