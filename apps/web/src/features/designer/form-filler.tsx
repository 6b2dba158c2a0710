import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { type CompiledFormula, compile, type FieldTypeMap } from '@formloom/formula';
import { type FormRef, fieldTypes, formulaFieldMap } from '@formloom/schema';
import {
  Button,
  Card,
  Checkbox,
  DatePicker,
  Flex,
  Input,
  InputNumber,
  Radio,
  Rate,
  Select,
  Switch,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldJson, FormJson, Localized } from './model/form-tree';
import { textOf, useLanguage } from './type-labels';

type Data = Record<string, unknown>;
type InputProps = {
  field: FieldJson;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
  language: 'en' | 'zh-CN';
};

const options = (field: FieldJson, language: 'en' | 'zh-CN') =>
  ((field.options ?? []) as Array<{ value: string; label?: Localized }>).map((o) => ({
    value: o.value,
    label: textOf(o.label, language) || o.value,
  }));

/** Inputs by the registry's default UI component name; components not listed here get a text input. */
const INPUTS: Record<string, (p: InputProps) => ReactNode> = {
  TextArea: ({ value, onChange, label }) => (
    <Input.TextArea
      aria-label={label}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value || null)}
    />
  ),
  NumberInput: ({ value, onChange, label }) => (
    <InputNumber
      aria-label={label}
      style={{ width: '100%' }}
      value={value as number | null}
      onChange={(v) => onChange(v)}
    />
  ),
  MoneyInput: ({ value, onChange, label, field }) => (
    <InputNumber
      aria-label={label}
      style={{ width: '100%' }}
      addonAfter={String(field.currency ?? '')}
      value={value as number | null}
      onChange={(v) => onChange(v)}
    />
  ),
  PercentInput: ({ value, onChange, label }) => (
    <InputNumber
      aria-label={label}
      style={{ width: '100%' }}
      addonAfter="%"
      value={typeof value === 'number' ? Math.round(value * 1e8) / 1e6 : null}
      onChange={(v) => onChange(v === null ? null : v / 100)}
    />
  ),
  Rating: ({ value, onChange, field }) => (
    <Rate count={Number(field.max ?? 5)} value={Number(value ?? 0)} onChange={onChange} />
  ),
  Switch: ({ value, onChange, label }) => (
    <Switch aria-label={label} checked={value === true} onChange={onChange} />
  ),
  DatePicker: ({ value, onChange, label }) => (
    <DatePicker
      aria-label={label}
      style={{ width: '100%' }}
      value={value ? dayjs(String(value)) : null}
      onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)}
    />
  ),
  DateTimePicker: ({ value, onChange, label }) => (
    <DatePicker
      showTime
      aria-label={label}
      style={{ width: '100%' }}
      value={value ? dayjs(String(value)) : null}
      onChange={(d) => onChange(d ? d.toISOString() : null)}
    />
  ),
  Select: ({ value, onChange, label, field, language }) => (
    <Select
      aria-label={label}
      allowClear
      value={(value as string) ?? null}
      onChange={(v) => onChange(v ?? null)}
      options={options(field, language)}
    />
  ),
  MultiSelect: ({ value, onChange, label, field, language }) => (
    <Select
      mode="multiple"
      aria-label={label}
      value={(value as string[]) ?? []}
      onChange={onChange}
      options={options(field, language)}
    />
  ),
  RadioGroup: ({ value, onChange, field, language }) => (
    <Radio.Group
      value={value}
      onChange={(e) => onChange(e.target.value)}
      options={options(field, language)}
    />
  ),
  CheckboxGroup: ({ value, onChange, field, language }) => (
    <Checkbox.Group
      value={(value as string[]) ?? []}
      onChange={onChange}
      options={options(field, language)}
    />
  ),
};

function TextInput({ value, onChange, label }: InputProps) {
  return (
    <Input
      aria-label={label}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value || null)}
    />
  );
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Computes the form's formula fields over `data` in dependency order, as the server will (for live preview). */
export function useLiveFormulas(form: FormJson) {
  return useMemo(() => {
    const map = formulaFieldMap(form as unknown as FormRef) as FieldTypeMap;
    const compiled: Array<{ key: string; formula: CompiledFormula }> = [];
    for (const field of form.fields) {
      if (field.type !== 'formula' || typeof field.expression !== 'string' || field.hidden) continue;
      try {
        compiled.push({ key: field.key, formula: compile(field.expression, map) });
      } catch {
        // A formula with an error shows no value; the designer reports the error.
      }
    }
    return (data: Data): Data => {
      const out = { ...data };
      // Formulas may read each other: a few passes settle any order.
      for (let pass = 0; pass < 3; pass++) {
        for (const { key, formula } of compiled) {
          try {
            out[key] = formula.evaluate(out);
          } catch {
            out[key] = null;
          }
        }
      }
      return out;
    };
  }, [form]);
}

function FieldInput({
  field,
  value,
  onChange,
  language,
}: {
  field: FieldJson;
  value: unknown;
  onChange: (v: unknown) => void;
  language: 'en' | 'zh-CN';
}) {
  const { t } = useTranslation();
  const label = textOf(field.label, language) || field.key;
  const def = fieldTypes.get(field.type);
  if (def?.computed) {
    return (
      <Typography.Text strong data-testid={`value-${field.key}`}>
        {show(value)}
      </Typography.Text>
    );
  }
  if (field.type === 'subform') {
    const rows = (Array.isArray(value) ? value : []) as Data[];
    const columns = ((field.columns ?? []) as FieldJson[]).filter((c) => !c.hidden);
    return (
      <Flex vertical gap={6} data-testid={`subform-${field.key}`}>
        {rows.map((row, i) => (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no ids before they are stored.
            key={i}
            size="small"
            extra={
              <Button
                size="small"
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('designer.fill.removeRow', { n: i + 1 })}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              />
            }
            title={t('designer.fill.row', { n: i + 1 })}
          >
            <Flex gap={8} wrap>
              {columns.map((c) => (
                <div key={c.key} style={{ flex: '1 1 140px', minWidth: 0 }}>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {textOf(c.label, language) || c.key}
                  </Typography.Text>
                  <FieldInput
                    field={c}
                    language={language}
                    value={row[c.key]}
                    onChange={(v) => onChange(rows.map((r, j) => (j === i ? { ...r, [c.key]: v } : r)))}
                  />
                </div>
              ))}
            </Flex>
          </Card>
        ))}
        <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...rows, {}])}>
          {t('designer.fill.addRow')}
        </Button>
      </Flex>
    );
  }
  const Render = INPUTS[def?.component ?? ''] ?? TextInput;
  return <Render field={field} value={value} onChange={onChange} label={label} language={language} />;
}

/**
 * The form as a person filling it sees it: sections and columns from the layout, an input per field type,
 * formula values computed live. Used by the designer's preview (desktop and phone widths) and the fill page.
 */
export function FormFiller({
  form,
  data,
  onChange,
  phone,
}: {
  form: FormJson;
  data: Data;
  onChange: (data: Data) => void;
  phone?: boolean;
}) {
  const language = useLanguage();
  const compute = useLiveFormulas(form);
  const values = compute(data);
  const byKey = new Map(form.fields.filter((f) => !f.hidden).map((f) => [f.key, f]));
  const sections = form.layout?.sections ?? [{ fields: [...byKey.keys()] }];
  const placed = new Set(sections.flatMap((s) => s.fields));
  const rest = [...byKey.keys()].filter((k) => !placed.has(k));
  const all = rest.length > 0 ? [...sections, { fields: rest }] : sections;
  return (
    <Flex vertical gap={12} data-testid="form-filler">
      {all.map((section, i) => (
        <Card
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no ids before they are stored.
          key={i}
          size="small"
          title={'title' in section && section.title ? textOf(section.title, language) : undefined}
        >
          <div
            style={{
              display: 'grid',
              gridTemplateColumns: `repeat(${phone ? 1 : ('columns' in section && section.columns) || 1}, minmax(0, 1fr))`,
              gap: 12,
            }}
          >
            {section.fields.map((key) => {
              const field = byKey.get(key);
              if (!field) return null;
              return (
                <div
                  key={key}
                  style={{ gridColumn: field.type === 'subform' ? '1 / -1' : undefined, minWidth: 0 }}
                >
                  <Typography.Text strong>
                    {field.required ? <span style={{ color: '#dc2626' }}>* </span> : null}
                    {textOf(field.label, language) || key}
                  </Typography.Text>
                  <div style={{ marginTop: 4 }}>
                    <FieldInput
                      field={field}
                      language={language}
                      value={values[key]}
                      onChange={(v) => onChange({ ...data, [key]: v })}
                    />
                  </div>
                </div>
              );
            })}
          </div>
        </Card>
      ))}
    </Flex>
  );
}

/** The data a submission sends: no computed or hidden fields, no empty values, subform rows likewise. */
export function submission(form: FormJson, data: Data): Data {
  const clean = (fields: readonly FieldJson[], row: Data): Data => {
    const out: Data = {};
    for (const field of fields) {
      if (field.hidden || fieldTypes.get(field.type)?.computed) continue;
      const value = row[field.key];
      if (value === undefined || value === null || value === '') continue;
      out[field.key] =
        field.type === 'subform' && Array.isArray(value)
          ? value.map((r) => clean((field.columns ?? []) as FieldJson[], r as Data))
          : value;
    }
    return out;
  };
  return clean(form.fields, data);
}
