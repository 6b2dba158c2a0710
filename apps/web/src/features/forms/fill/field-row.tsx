import { CalculatorOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../../api/apps';
import { Text } from '../../../components/text';
import { localized } from '../../../i18n/localized';
import { isComputedField, widgetOf } from '../fields/registry';
import type { FieldContext } from '../fields/types';
import type { FormStore } from './form-store';
import { useStoreAny, useStoreErrors, useStoreValue } from './use-store';

/** How a field is shown in a form: edited, only shown (computed, read-only for the caller), or not at all. */
export type FieldMode = 'edit' | 'show';

/** No value worth showing: nothing, an empty text or an empty list. */
const isBlank = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

function ScopeAware({ store, field, ctx }: { store: FormStore; field: FieldDefinition; ctx: FieldContext }) {
  // Lookups follow the relation chosen now; cascades follow their parent: they read the whole scope.
  const data = useStoreAny(store);
  const widget = widgetOf(field);
  return <widget.Display field={field} value={data[field.key]} ctx={ctx} scope={data} />;
}

/**
 * One field of a form: label, the widget's input (or its display for computed and read-only fields),
 * help text and errors. Subscribes to its own value only, so typing elsewhere does not repaint it.
 */
export const FieldRow = memo(function FieldRow({
  store,
  field,
  ctx,
  mode,
  onExplain,
}: {
  store: FormStore;
  field: FieldDefinition;
  ctx: FieldContext;
  mode: FieldMode;
  onExplain?: (field: FieldDefinition) => void;
}) {
  const { t } = useTranslation();
  const value = useStoreValue(store, field.key);
  const errors = useStoreErrors(store, field.key);
  const widget = widgetOf(field);
  const label = localized(field.label as never, ctx.language) || field.key;
  const id = `field-${field.key}`;
  const computed = isComputedField(field);
  const empty = !computed && field.type !== 'subform' && isBlank(value);
  const Input = widget.Input;
  const editing = mode === 'edit' && Input !== undefined;
  const scopeBound = field.type === 'lookup' || typeof field.dependsOn === 'string';
  const description = localized(field.description as never, ctx.language);
  const explainable =
    computed && field.type === 'formula' && onExplain !== undefined && value !== undefined && value !== null;
  const required = editing && field.required === true;
  const message = errors?.length ? errors.join('; ') : undefined;
  return (
    // Laid out as antd's vertical Form.Item (styles.css, .fl-field), without its form store and validator.
    <div className={message ? 'fl-field fl-field-with-help' : 'fl-field'} data-testid={`field-${field.key}`}>
      <div className="fl-field-label">
        <label htmlFor={id} className={required ? 'fl-field-required' : undefined}>
          <span>
            {label}
            {computed && (
              <span className="fl-field-note" style={{ fontSize: 12, marginInlineStart: 6 }}>
                {t('fields.computed')}
              </span>
            )}
          </span>
        </label>
      </div>
      <div className="fl-field-control">
        <div className="fl-field-control-content">
          {editing && Input ? (
            scopeBound ? (
              <ScopedInput store={store} field={field} ctx={ctx} id={id} invalid={Boolean(errors?.length)} />
            ) : (
              <Input
                field={field}
                value={value ?? null}
                onChange={(next) => store.set(field.key, next)}
                ctx={ctx}
                id={id}
                disabled={false}
                invalid={Boolean(errors?.length)}
                scope={store.data}
              />
            )
          ) : (
            <div
              id={id}
              style={{ minHeight: 32, display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}
            >
              {field.type === 'lookup' ? (
                <ScopeAware store={store} field={field} ctx={ctx} />
              ) : empty ? (
                // A field left empty says so, instead of a label over nothing (a subform shows its own empty state).
                <Text type="secondary" data-testid="field-empty">
                  —
                </Text>
              ) : (
                <widget.Display field={field} value={value} ctx={ctx} scope={store.data} />
              )}
              {computed &&
                (value === undefined || value === null) &&
                field.type !== 'serial' &&
                field.type !== 'system' &&
                field.type !== 'lookup' && (
                  <Text type="secondary">{field.type === 'rollup' ? t('fields.computedOnSave') : '—'}</Text>
                )}
              {explainable && (
                <Button
                  size="small"
                  type="link"
                  icon={<CalculatorOutlined />}
                  onClick={() => onExplain?.(field)}
                  data-testid={`explain-${field.key}`}
                >
                  {t('explain.open')}
                </Button>
              )}
            </div>
          )}
        </div>
      </div>
      {(message || description) && (
        <div className="fl-field-additional">
          {message && <div className="fl-field-error">{message}</div>}
          {description && <div className="fl-field-extra">{description}</div>}
        </div>
      )}
    </div>
  );
});

/** An input that re-renders with the scope (cascading options follow their parent's value). */
function ScopedInput({
  store,
  field,
  ctx,
  id,
  invalid,
}: {
  store: FormStore;
  field: FieldDefinition;
  ctx: FieldContext;
  id: string;
  invalid: boolean;
}) {
  const data = useStoreAny(store);
  const widget = widgetOf(field);
  const Input = widget.Input;
  if (!Input) return null;
  const parentKey = typeof field.dependsOn === 'string' ? field.dependsOn : undefined;
  return (
    <Input
      // A new parent value offers new options: the input starts again.
      key={parentKey ? String(data[parentKey] ?? '') : undefined}
      field={field}
      value={data[field.key] ?? null}
      onChange={(next) => store.set(field.key, next)}
      ctx={ctx}
      id={id}
      disabled={false}
      invalid={invalid}
      scope={data}
    />
  );
}
