import { CopyOutlined, DeleteOutlined } from '@ant-design/icons';
import { fieldTypes } from '@formloom/schema';
import {
  Alert,
  Button,
  Divider,
  Flex,
  Input,
  InputNumber,
  Segmented,
  Select,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import type { KnownForm } from './editor-context';
import { designerSchemaContext, type EditorContext, formulaScope } from './editor-context';
import { type FormulaDependencies, FormulaEditor } from './formula-editor';
import type { DesignerModel } from './model/designer-model';
import type { DesignerDoc, FieldJson, Localized } from './model/form-tree';
import type { DesignerIssue } from './model/issues';
import { LocalizedInput, Property, type Schema, SchemaValue } from './schema-editor';
import { textOf, typeLabel, useLanguage } from './type-labels';

const errorsAt = (issues: readonly DesignerIssue[], path: string) =>
  issues.filter((i) => i.path === path || i.path.startsWith(`${path}/`)).map((i) => i.message);

function setOrDrop(field: FieldJson, name: string, value: unknown): FieldJson {
  const next = { ...field, [name]: value };
  if (value === undefined || value === false) delete next[name];
  return next;
}

/** The form's own settings, shown while no field is selected. */
function FormSettings({
  model,
  doc,
  keyLocked,
  issues,
}: {
  model: DesignerModel;
  doc: DesignerDoc;
  keyLocked: boolean;
  issues: readonly DesignerIssue[];
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const fields = doc.sections
    .flatMap((s) => s.fields)
    .map((id) => doc.nodes[id]?.field)
    .filter((f): f is FieldJson => !!f);
  return (
    <div data-testid="form-settings">
      <Typography.Title level={5}>{t('designer.form.settings')}</Typography.Title>
      <Property label={t('designer.form.name')} errors={errorsAt(issues, '/name')}>
        <LocalizedInput
          value={doc.meta.name}
          label={t('designer.form.name')}
          testId="form-name"
          onChange={(name) => model.updateMeta((m) => ({ ...m, name: name ?? {} }), 'name')}
        />
      </Property>
      <Property label={t('designer.form.key')} errors={errorsAt(issues, '/key')}>
        <Input
          size="small"
          aria-label={t('designer.form.key')}
          disabled={keyLocked}
          value={doc.meta.key}
          onChange={(e) => model.updateMeta((m) => ({ ...m, key: e.target.value }), 'key')}
        />
      </Property>
      <Property label={t('designer.form.titleField')}>
        <Select
          size="small"
          aria-label={t('designer.form.titleField')}
          allowClear
          value={doc.meta.titleField ?? null}
          onChange={(v: string | undefined) =>
            model.updateMeta(({ titleField: _old, ...m }) => (v ? { ...m, titleField: v } : m))
          }
          options={fields.map((f) => ({ value: f.key, label: textOf(f.label, language) || f.key }))}
        />
      </Property>
      <Typography.Paragraph type="secondary">{t('designer.form.selectHint')}</Typography.Paragraph>
    </div>
  );
}

/**
 * The property panel: common properties of every field, then the type's own config generated from its
 * config schema in the field-type registry (a new field type needs no code here). Problems show under the
 * property they concern.
 */
export function PropertyPanel({
  model,
  doc,
  selected,
  forms,
  issues,
  lockedKeys,
  formKeyLocked,
  dependencies,
}: {
  model: DesignerModel;
  doc: DesignerDoc;
  selected: string | null;
  forms: readonly KnownForm[];
  issues: readonly DesignerIssue[];
  /** Keys that can no longer change: the field holds stored data. */
  lockedKeys: ReadonlySet<string>;
  formKeyLocked: boolean;
  dependencies: (key: string) => FormulaDependencies;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const node = selected ? doc.nodes[selected] : undefined;
  if (!node) {
    return (
      <FormSettings
        model={model}
        doc={doc}
        keyLocked={formKeyLocked}
        issues={issues.filter((i) => i.id === null)}
      />
    );
  }
  const field = node.field;
  const def = fieldTypes.get(field.type);
  const mine = issues.filter((i) => i.id === node.id);
  const ctx: EditorContext = { doc, nodeId: node.id, field, forms, language };
  const update = (name: string, value: unknown, merge = true) =>
    model.updateField(node.id, (f) => setOrDrop(f, name, value), merge ? name : undefined);
  const scope = formulaScope(ctx);
  const schemaCtx = designerSchemaContext(ctx);
  const validation = (field.validation ?? {}) as Record<string, unknown>;
  const setValidation = (name: string, value: unknown) => {
    const next = { ...validation, [name]: value };
    if (value === undefined || value === null || value === '') delete next[name];
    update('validation', Object.keys(next).length > 0 ? next : undefined);
  };
  const fieldDefault = field.default as { value?: unknown; formula?: string } | undefined;
  const numeric = ['number', 'money', 'percent', 'rating'].includes(field.type);
  const keyLocked = lockedKeys.has(field.key);
  return (
    <div data-testid="property-panel">
      <Flex justify="space-between" align="center" wrap gap={4}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {textOf(field.label, language) || field.key}
        </Typography.Title>
        <Flex gap={4}>
          <Tag>{textOf(typeLabel(field.type), language)}</Tag>
          <Button
            size="small"
            icon={<CopyOutlined />}
            aria-label={t('designer.actions.duplicate')}
            onClick={() => {
              const json = model.copy(node.id);
              if (json) model.paste(json, node.id);
            }}
          />
          <Button
            size="small"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('designer.actions.remove')}
            onClick={() => model.removeField(node.id)}
          />
        </Flex>
      </Flex>
      {mine.length > 0 && (
        <Alert
          style={{ margin: '8px 0' }}
          type="error"
          showIcon
          data-testid="field-issues"
          title={t('designer.canvas.issues', { count: mine.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 16 }}>
              {mine.map((i) => (
                <li key={`${i.path}:${i.message}`}>
                  {i.path ? <code>{i.path.slice(1)}</code> : null} {i.message}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Divider style={{ margin: '8px 0' }} />
      <Property label={t('designer.props.label')} errors={errorsAt(mine, '/label')}>
        <LocalizedInput
          value={field.label}
          label={t('designer.props.label')}
          testId="prop-label"
          onChange={(v: Localized | undefined) => update('label', v)}
        />
      </Property>
      <Property
        label={keyLocked ? t('designer.props.keyLocked') : t('designer.props.key')}
        errors={errorsAt(mine, '/key')}
      >
        <Input
          size="small"
          aria-label={t('designer.props.key')}
          disabled={keyLocked}
          value={field.key}
          onChange={(e) => update('key', e.target.value)}
        />
      </Property>
      {!def?.computed && (
        <Flex gap={16} wrap style={{ marginBottom: 10 }}>
          {(['required', 'unique', 'readOnly'] as const).map((name) => (
            <Flex key={name} gap={6} align="center">
              <Switch
                size="small"
                aria-label={t(`designer.props.${name}`)}
                checked={field[name] === true}
                onChange={(v) => update(name, v, false)}
              />
              <Typography.Text>{t(`designer.props.${name}`)}</Typography.Text>
            </Flex>
          ))}
        </Flex>
      )}
      {def &&
        Object.entries(def.config as Record<string, Schema>).map(([name, schema]) => {
          if ((schema as { 'x-ui'?: { widget?: string } })['x-ui']?.widget === 'none') return null;
          const editor = (
            <SchemaValue
              key={name}
              schema={schema}
              value={field[name]}
              ctx={schemaCtx}
              parents={[field]}
              path={`/${name}`}
              optional={!def.schema.required?.includes(name)}
              label={t(`designer.props.${name}`, { defaultValue: name })}
              onChange={(v) => update(name, v)}
            />
          );
          return (
            <Property
              key={name}
              label={t(`designer.props.${name}`, { defaultValue: name })}
              errors={errorsAt(mine, `/${name}`)}
            >
              {editor}
            </Property>
          );
        })}
      {field.type === 'formula' && (
        <Property label={t('designer.formula.dependencies')}>
          <Typography.Text type="secondary" data-testid="formula-graph">
            {t('designer.formula.readBy', { list: dependencies(field.key).readBy.join(', ') || '—' })}
          </Typography.Text>
          {dependencies(field.key).cycle && (
            <Typography.Text type="danger">
              {t('designer.formula.cycle', { cycle: dependencies(field.key).cycle })}
            </Typography.Text>
          )}
        </Property>
      )}
      {!def?.computed && (
        <>
          <Divider style={{ margin: '8px 0' }} />
          <Property label={t('designer.props.default')} errors={errorsAt(mine, '/default')}>
            <Segmented
              size="small"
              value={fieldDefault?.formula !== undefined ? 'formula' : 'value'}
              onChange={(mode) => update('default', mode === 'formula' ? { formula: '' } : undefined, false)}
              options={[
                { value: 'value', label: t('designer.props.defaultValue') },
                { value: 'formula', label: t('designer.props.defaultFormula') },
              ]}
            />
            {fieldDefault?.formula !== undefined ? (
              <FormulaEditor
                value={fieldDefault.formula}
                onChange={(v) => update('default', { formula: v })}
                fields={scope.fields}
                labels={scope.labels}
                label={t('designer.props.defaultFormula')}
              />
            ) : field.type === 'switch' ? (
              <Switch
                size="small"
                aria-label={t('designer.props.default')}
                checked={fieldDefault?.value === true}
                onChange={(v) => update('default', v ? { value: true } : undefined)}
              />
            ) : numeric ? (
              <InputNumber
                size="small"
                style={{ width: '100%' }}
                aria-label={t('designer.props.default')}
                value={(fieldDefault?.value as number | undefined) ?? null}
                onChange={(v) => update('default', v === null ? undefined : { value: v })}
              />
            ) : (
              <Input
                size="small"
                aria-label={t('designer.props.default')}
                value={String(fieldDefault?.value ?? '')}
                onChange={(e) =>
                  update('default', e.target.value === '' ? undefined : { value: e.target.value })
                }
              />
            )}
          </Property>
          <Property label={t('designer.props.validation')} errors={errorsAt(mine, '/validation')}>
            <Flex gap={4} wrap>
              {(numeric ? ['min', 'max'] : ['minLength', 'maxLength']).map((name) => (
                <InputNumber
                  key={name}
                  size="small"
                  placeholder={t(`designer.props.${name}`)}
                  aria-label={t(`designer.props.${name}`)}
                  value={(validation[name] as number | undefined) ?? null}
                  onChange={(v) => setValidation(name, v ?? undefined)}
                  style={{ width: 110 }}
                />
              ))}
            </Flex>
            {!numeric && (
              <Input
                size="small"
                style={{ marginTop: 4 }}
                placeholder={t('designer.props.pattern')}
                aria-label={t('designer.props.pattern')}
                value={String(validation.pattern ?? '')}
                onChange={(e) => setValidation('pattern', e.target.value)}
              />
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('designer.props.validationFormula')}
            </Typography.Text>
            <FormulaEditor
              value={String(validation.formula ?? '')}
              onChange={(v) => setValidation('formula', v)}
              fields={{ ...scope.fields, [field.key]: 'any' }}
              labels={scope.labels}
              label={t('designer.props.validationFormula')}
            />
          </Property>
        </>
      )}
      <Property label={t('designer.props.visibleWhen')} errors={errorsAt(mine, '/visibleWhen')}>
        <FormulaEditor
          value={String(field.visibleWhen ?? '')}
          onChange={(v) => update('visibleWhen', v === '' ? undefined : v)}
          fields={scope.fields}
          labels={scope.labels}
          label={t('designer.props.visibleWhen')}
        />
      </Property>
    </div>
  );
}
