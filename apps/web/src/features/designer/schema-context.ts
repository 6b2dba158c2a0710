import type { FieldTypeMap } from '@formloom/formula';
import type { UiSource } from '@formloom/schema';
import type { KnownForm } from './editor-context';
import type { FieldJson } from './model/form-tree';

/** Reads a property of the objects enclosing the value being edited, innermost first. */
export type Named = (prop: string) => unknown;

/** A choice of a picker: the stored value and what people read. */
export interface Choice {
  value: string;
  label: string;
}

/**
 * What a schema-generated editor ({@link SchemaValue}) asks of the document it edits. The form designer
 * answers from the field being edited and its form; the automation and flow editors from their trigger
 * record, action configs and nodes. `named` resolves a hint's `<prop>` against the enclosing objects, so
 * a `forEach` names its own form and an action config its form.
 */
export interface SchemaContext {
  readonly language: 'en' | 'zh-CN';
  /** The app's forms, for `{ ref: 'form' }`. */
  readonly forms: readonly KnownForm[];
  /** Fields a `{ ref: 'field', of }` hint offers. */
  fields(of: UiSource, named: Named): readonly FieldJson[];
  /** Option values a `{ ref: 'option', of }` hint offers. */
  options(of: UiSource, named: Named): Choice[];
  /** What a formula may read (for a `{ widget: 'formula' | 'template' }` value). */
  formulaScope(of: UiSource | undefined, named: Named): { fields: FieldTypeMap; labels: Map<string, string> };
  /** Fields of the record a filter's `{ $field }` operands read. */
  ownFields(named: Named): readonly FieldJson[];
  /** Candidates of `{ ref: 'role' | 'member' | 'flow' }` (none: typed in). */
  choices?(ref: 'role' | 'member' | 'flow'): Choice[] | undefined;
  /**
   * i18n namespace tried first for property names (`<ns>.props.<name>`) and values (`<ns>.enum.<value>`)
   * before the designer's own words.
   */
  readonly vocabulary?: string;
  /** Formula editors fold their chips, samples and trace away while not focused (many formulas on one page). */
  readonly compactFormulas?: boolean;
  /** Problems of the value at a JSON pointer (from {@link SchemaValue}'s `path`), shown under it. */
  errorsAt?(path: string): string[];
}

/** `named` over enclosing objects (outermost first): the innermost object that has the property wins. */
export function namedIn(parents: readonly unknown[]): Named {
  return (prop) => {
    for (let i = parents.length - 1; i >= 0; i--) {
      const p = parents[i];
      if (typeof p === 'object' && p !== null && !Array.isArray(p) && prop in p)
        return (p as Record<string, unknown>)[prop];
    }
    return undefined;
  };
}

/** Appends a segment to a JSON pointer, escaped as RFC 6901 says. */
export function pointerAt(base: string, segment: string | number): string {
  return `${base}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
