import { theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import type { FieldDefinition, FormDefinitionSummary } from '../../../api/apps';
import { Panel } from '../../../components/panel';
import { useIsPhone } from '../../../components/use-is-phone';
import { localized } from '../../../i18n/localized';
import { widgetOf } from '../fields/registry';
import type { FieldContext } from '../fields/types';
import { type FieldMode, FieldRow } from './field-row';
import type { FormStore } from './form-store';
import { FormStoreContext, useStoreHidden } from './use-store';

interface Section {
  key: string;
  title?: string;
  columns: number;
  fields: FieldDefinition[];
}

/** The form's layout sections; fields no section places follow in one more, in definition order. */
export function sectionsOf(
  form: FormDefinitionSummary,
  shown: readonly FieldDefinition[],
  language: string,
): Section[] {
  const byKey = new Map(shown.map((f) => [f.key, f]));
  const placed = new Set<string>();
  const sections: Section[] = (form.layout?.sections ?? []).map((section, i) => {
    const fields = section.fields.flatMap((key) => {
      const field = byKey.get(key);
      if (!field || placed.has(key)) return [];
      placed.add(key);
      return [field];
    });
    const title = localized(section.title as never, language);
    return { key: `s${i}`, ...(title ? { title } : {}), columns: section.columns ?? 1, fields };
  });
  const rest = shown.filter((f) => !placed.has(f.key));
  if (rest.length > 0) sections.push({ key: 'rest', columns: sections.length > 0 ? 1 : 1, fields: rest });
  return sections.filter((s) => s.fields.length > 0);
}

/**
 * A form's fields laid out by its sections, over a {@link FormStore}. `modeOf` decides per field whether
 * it is edited or only shown; fields hidden by their visibility rules disappear while they are hidden.
 */
export function FormRenderer({
  store,
  form,
  fields,
  ctx,
  modeOf,
  onExplain,
  footer,
}: {
  store: FormStore;
  form: FormDefinitionSummary;
  /** The fields the caller may see. */
  fields: readonly FieldDefinition[];
  ctx: FieldContext;
  modeOf(field: FieldDefinition): FieldMode;
  onExplain?: (field: FieldDefinition) => void;
  footer?: ReactNode;
}) {
  const phone = useIsPhone();
  const { token } = theme.useToken();
  // The field rows' look (styles.css, .fl-field) follows the theme through these.
  const look = {
    '--fl-control-height': `${token.controlHeight}px`,
    '--fl-control-height-sm': `${token.controlHeightSM}px`,
    '--fl-text-secondary': token.colorTextDescription,
    '--fl-error': token.colorError,
  } as CSSProperties;
  const hidden = useStoreHidden(store);
  const sections = sectionsOf(form, fields, ctx.language);
  return (
    <FormStoreContext.Provider value={store}>
      <div style={look}>
        {sections.map((section) => {
          const visible = section.fields.filter((f) => !hidden.has(f.key));
          if (visible.length === 0) return null;
          const columns = phone ? 1 : Math.max(1, Math.min(section.columns, 4));
          return (
            <Panel
              key={section.key}
              {...(section.title ? { title: section.title } : {})}
              size={phone ? 'small' : 'default'}
              style={{ marginBottom: 16 }}
            >
              <div
                style={{
                  display: 'grid',
                  gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                  columnGap: 24,
                }}
              >
                {visible.map((field) => (
                  <div
                    key={field.key}
                    style={{ gridColumn: widgetOf(field).wide ? '1 / -1' : undefined, minWidth: 0 }}
                  >
                    <FieldRow
                      store={store}
                      field={field}
                      ctx={ctx}
                      mode={modeOf(field)}
                      {...(onExplain ? { onExplain } : {})}
                    />
                  </div>
                ))}
              </div>
            </Panel>
          );
        })}
        {footer}
      </div>
    </FormStoreContext.Provider>
  );
}
