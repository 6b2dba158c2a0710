import type { ComponentType } from 'react';
import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';

/** Where a field is shown: which workspace, form and record its values belong to. */
export interface FieldContext {
  workspaceId: string;
  /** The app the form belongs to (links to related records stay inside it). */
  appId: string;
  /** The form the field belongs to (for a subform column: the subform's form). */
  form: FormDefinitionSummary;
  /** The other forms of the app by key (relations, lookups). */
  formByKey(key: string): FormDefinitionSummary | undefined;
  /** The record the value is stored on, once it exists (file downloads go through it). */
  recordId?: string;
  /** For a subform column: the subform's key (uploads name `subform.column`). */
  subform?: string;
  /** Fields (and `subform.column`s) the caller may see but not change. */
  readOnly?: ReadonlySet<string>;
  /** UI language, for option labels and number and date formats. */
  language: string;
}

/** Props of a widget showing a value (record detail, list cells, cards). */
export interface DisplayProps {
  field: FieldDefinition;
  value: unknown;
  ctx: FieldContext;
  /** A list cell or card: one line, no large previews. */
  compact?: boolean;
  /** While a form is filled: the values of the field's scope (lookups follow the relation chosen now). */
  scope?: Readonly<Record<string, unknown>>;
}

/** Props of a widget editing a value. */
export interface InputProps {
  field: FieldDefinition;
  value: unknown;
  onChange(value: unknown): void;
  ctx: FieldContext;
  /** The element id the field's label points at. */
  id: string;
  disabled: boolean;
  /** Shown as the field's status (red outline) while the value has an error. */
  invalid: boolean;
  /** The values of the same scope (the form, or the subform row), for cascades and previews. */
  scope: Readonly<Record<string, unknown>>;
  /** The accessible name when the input stands without a visible label (subform cells). */
  ariaLabel?: string;
}

/**
 * What the web app knows about one UI component of the field-type registry (`FieldTypeDef.component`):
 * how to show a value, and, unless the type is computed, how to edit it.
 */
export interface FieldWidget {
  Display: ComponentType<DisplayProps>;
  Input?: ComponentType<InputProps>;
  /** Takes the full width of the form (text areas, tables, signatures). */
  wide?: boolean;
  /** One line of text for a value (list search, card titles, export previews). */
  text?(value: unknown, field: FieldDefinition, ctx: FieldContext): string;
}
