import type { FormulaError, FormulaErrorCode } from '../errors.js';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

/** The locales the package ships texts for. */
export type FormulaLocale = 'en' | 'zh-CN';

/** Error texts per locale, keyed by error code. */
export const formulaMessages: Readonly<Record<FormulaLocale, Readonly<Record<FormulaErrorCode, string>>>> = {
  en,
  'zh-CN': zhCN,
};

/** Renders a {@link FormulaError} in the given locale, filling `{param}` placeholders. */
export function formatFormulaError(error: FormulaError, locale: FormulaLocale = 'en'): string {
  const template = formulaMessages[locale][error.code];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(error.params, name)) return whole;
    const value = error.params[name];
    return Array.isArray(value) ? value.join(' → ') : String(value);
  });
}
