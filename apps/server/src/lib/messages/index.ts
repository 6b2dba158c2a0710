import { type FormulaErrorCode, type FormulaErrorParams, formulaMessages } from '@formloom/formula';
import { describeReportIssue, type ReportIssue } from '@formloom/report';
import { formatIssue, type Issue, type Locale, type LocalizedText } from '@formloom/schema';
import { en } from './en.js';
import { zhCN } from './zh-CN.js';

export { LOCALES, type Locale } from '@formloom/schema';
export { pickLocale } from './locale.js';

/**
 * The server's own texts are data until the answer is written: code raises errors with a {@link Text}
 * (a catalogue key, or a key with params, or an issue of a pure package), and the error handler renders
 * it in the language the client asked for. `en.ts` is the catalogue; `zh-CN.ts` must translate every
 * key (the type says so), and a test checks that both use the same `{param}` placeholders.
 */

/** A key of the server's message catalogue. */
export type MessageKey = keyof typeof en;

/** The `{name}` placeholders of a template, as a union of names. */
type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | ParamNames<Rest>
  : never;

/** Keys whose text takes no params: they can be given bare, as a string. */
export type PlainKey = {
  [K in MessageKey]: [ParamNames<(typeof en)[K]>] extends [never] ? K : never;
}[MessageKey];

/** Params of the message `K`, each one required. */
export type ParamsOf<K extends MessageKey> = { readonly [P in ParamNames<(typeof en)[K]>]: Param };

/** A value put into a placeholder: plain data, a list (joined in the locale's way), or another text. */
export type Param = string | number | boolean | null | Message | readonly (string | number | Message)[];

/** Text to render in the client's language; plain JSON so it can be stored (import reports) and rendered later. */
export type Message =
  /** A catalogue message with its params. */
  | { readonly key: MessageKey; readonly params: Readonly<Record<string, Param>> }
  /** An issue of `@formloom/schema`, worded by its locale files. */
  | { readonly issue: Issue }
  /** An error of `@formloom/formula`, worded by its locale files, with the character it was found at. */
  | { readonly formula: { code: FormulaErrorCode; params: FormulaErrorParams; position?: number } }
  /** An issue of `@formloom/report`, worded by its locale texts. */
  | { readonly report: ReportIssue }
  /** Text the workspace wrote itself in one or both languages (a field's validation message). */
  | { readonly localized: LocalizedText };

/** What errors and details carry: a bare key of a message without params, or a {@link Message}. */
export type Text = PlainKey | Message;

/** Catalogue texts per locale. */
const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, 'zh-CN': zhCN };

/** The separator of list params per locale. */
const LIST_SEPARATOR: Readonly<Record<Locale, string>> = { en: ', ', 'zh-CN': '、' };

/**
 * A catalogue message with params (type-checked against the placeholders of its English text). A key
 * without placeholders needs no params; wrap it with `t` where it goes into a param of another message
 * (a bare string param is shown as it is, a {@link Message} param is rendered).
 */
export function t<K extends MessageKey>(
  key: K,
  ...params: K extends PlainKey ? [params?: ParamsOf<K>] : [params: ParamsOf<K>]
): Message {
  return { key, params: params[0] ?? {} };
}

/** An issue of `@formloom/schema` as text. */
export function issueText(issue: Issue): Message {
  return { issue };
}

/** Text the workspace configured (`{ en?, 'zh-CN'? }`), shown in the asked language or the other one. */
export function localizedText(text: LocalizedText): Message {
  return { localized: text };
}

/** True for a value that is a {@link Message} rather than plain data. */
function isMessage(value: Param): value is Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return ['key', 'issue', 'formula', 'report', 'localized'].some((kind) => Object.hasOwn(value, kind));
}

function renderParam(value: Param, locale: Locale): string {
  if (isMessage(value)) return render(value, locale);
  // Data a request sent where text was expected (an object as a node's id): shown, never rendered.
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  if (Array.isArray(value))
    return value.map((item) => renderParam(item, locale)).join(LIST_SEPARATOR[locale]);
  return String(value);
}

function fill(template: string, params: Readonly<Record<string, Param>>, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? renderParam(params[name] as Param, locale) : whole,
  );
}

const AT_CHARACTER: Readonly<Record<Locale, string>> = {
  en: ' (at character {position})',
  'zh-CN': '（第 {position} 个字符处）',
};

function renderFormula(
  error: { code: FormulaErrorCode; params: FormulaErrorParams; position?: number },
  locale: Locale,
): string {
  const params: Record<string, Param> = {};
  // The formula package joins a cycle's names with arrows, not the locale's list separator.
  for (const [name, value] of Object.entries(error.params)) {
    params[name] = Array.isArray(value) ? value.join(' → ') : (value as string | number);
  }
  const text = fill(formulaMessages[locale][error.code], params, locale);
  return error.position === undefined
    ? text
    : text + fill(AT_CHARACTER[locale], { position: error.position }, locale);
}

/** The text in `locale`. */
export function render(text: Text, locale: Locale): string {
  // A stored text from an older release may name a key that is gone: show the key rather than nothing.
  if (typeof text === 'string') return catalogues[locale][text] ?? text;
  if ('key' in text) return fill(catalogues[locale][text.key], text.params, locale);
  if ('issue' in text) return formatIssue(text.issue, locale);
  if ('formula' in text) return renderFormula(text.formula, locale);
  if ('report' in text) return describeReportIssue(text.report, locale);
  return text.localized[locale] ?? text.localized.en ?? text.localized['zh-CN'] ?? '';
}

/** The catalogue's raw templates, for the parity test. */
export const catalogueTemplates = catalogues;
