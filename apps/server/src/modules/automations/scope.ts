import { compile, type FieldTypeMap, isFormulaError } from '@formloom/formula';
import { formulaIdentifiers } from '@formloom/schema';
import { type Message, render, t } from '../../lib/messages/index.js';
import type { AppDirectory } from '../forms/directory.js';
import type { FieldDef } from '../forms/meta.js';
import type { RecordDoc } from '../records/model.js';
import type { LoadedForm } from '../records/plan.js';
import { formulaKinds } from '../records/plan.js';

/** Thrown when a formula of an automation cannot be compiled or evaluated; the action fails with it. */
export class AutomationFormulaError extends Error {
  /** Why, in the reader's language (the message holds it in English, for logs). */
  readonly text: Message;
  constructor(
    readonly expression: string,
    reason: Message | string,
  ) {
    const text = t('automation.formulaFailed', { expression: expression.slice(0, 200), reason });
    super(render(text, 'en'));
    this.name = 'AutomationFormulaError';
    this.text = text;
  }
}

/** System values of a record as formulas (and `$field` operands) name them. */
export const SYSTEM_KINDS: Readonly<Record<string, string>> = {
  _id: 'text',
  _owner: 'member',
  _createdBy: 'member',
  _dept: 'text',
  _createdAt: 'datetime',
  _updatedAt: 'datetime',
};

/** A record's data with its system values, as formulas read it. */
export function recordScope(doc: RecordDoc): Record<string, unknown> {
  return {
    ...doc.data,
    _id: doc._id.toHexString(),
    _owner: doc.owner.toHexString(),
    _createdBy: doc.createdBy.toHexString(),
    _dept: doc.dept ? doc.dept.toHexString() : null,
    _createdAt: doc.createdAt.toISOString(),
    _updatedAt: doc.updatedAt.toISOString(),
  };
}

/** The formula kinds of a form's fields plus its system values. */
export function formKinds(form: LoadedForm, directory: AppDirectory, prefix = ''): Record<string, string> {
  const kinds = { ...formulaKinds(form.definition.fields as FieldDef[], directory), ...SYSTEM_KINDS };
  if (!prefix) return kinds;
  return Object.fromEntries(Object.entries(kinds).map(([key, kind]) => [`${prefix}.${key}`, kind]));
}

/** Kinds of a member as a forEach item sees it (`item.id`, `item.name`, ...). */
export const MEMBER_ITEM_KINDS: Readonly<Record<string, string>> = {
  'item.id': 'member',
  'item._id': 'member',
  'item.name': 'text',
  'item.email': 'text',
  'item.department': 'text',
  'item.manager': 'member',
};

/**
 * What the formulas of one run see: the trigger record's fields and system values, `input.*` (the run's
 * input), `item.*` (the forEach item) and NOW()/TODAY() at the run's clock. Compiled formulas are cached
 * for the run.
 */
export class FormulaScope {
  readonly #cache = new Map<string, ReturnType<typeof compile>>();

  constructor(
    readonly kinds: Readonly<Record<string, string>>,
    readonly values: Readonly<Record<string, unknown>>,
    readonly now: Date,
  ) {}

  /** The same scope with other values (a reader's view: what they may not read left blank). */
  withValues(values: Readonly<Record<string, unknown>>): FormulaScope {
    return new FormulaScope(this.kinds, values, this.now);
  }

  /** A scope with a forEach item added. */
  withItem(kinds: Readonly<Record<string, string>>, item: Record<string, unknown>): FormulaScope {
    return new FormulaScope({ ...this.kinds, ...kinds }, { ...this.values, item }, this.now);
  }

  /** Evaluates a formula; an unknown name, a type error or a failing function throws {@link AutomationFormulaError}. */
  evaluate(expression: string): unknown {
    let compiled = this.#cache.get(expression);
    if (!compiled) {
      // Input keys are only known at run time: every `input.*` the formula names is of any kind.
      const extra: Record<string, string> = {};
      for (const name of formulaIdentifiers(expression)) if (name.startsWith('input.')) extra[name] = 'any';
      try {
        compiled = compile(expression, { ...this.kinds, ...extra } as FieldTypeMap);
      } catch (error) {
        throw new AutomationFormulaError(expression, describe(error));
      }
      this.#cache.set(expression, compiled);
    }
    try {
      return compiled.evaluate(this.values, { now: this.now });
    } catch (error) {
      throw new AutomationFormulaError(expression, describe(error));
    }
  }

  /** True when the formula yields true (conditions). */
  holds(expression: string): boolean {
    return this.evaluate(expression) === true;
  }

  /** A text with `{{ formula }}` placeholders filled in. */
  render(template: string): string {
    return template.replace(/\{\{([^{}]+)\}\}/g, (_match, expression: string) =>
      display(this.evaluate(expression.trim())),
    );
  }
}

function describe(error: unknown): Message | string {
  if (isFormulaError(error)) {
    return {
      formula: {
        code: error.code,
        params: error.params ?? {},
        ...(error.position === undefined ? {} : { position: error.position }),
      },
    };
  }
  return error instanceof Error ? error.message : String(error);
}

/** How a formula value reads inside a text. */
export function display(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().replace('T00:00:00.000Z', '');
  if (Array.isArray(value)) return value.map(display).join(', ');
  return String(value);
}
