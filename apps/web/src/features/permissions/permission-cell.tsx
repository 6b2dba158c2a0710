import { EyeInvisibleOutlined } from '@ant-design/icons';
import { Button, Checkbox, Flex, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiErrorDetail } from '../../api/client';
import {
  type CellDraft,
  SCOPE_KINDS,
  SCOPED_ACTIONS,
  type ScopedAction,
  type ScopeKind,
} from './matrix-model';

/**
 * What a new custom filter starts from: a working example (records the caller created) to edit, rather
 * than an empty group, which would match every record.
 */
const CUSTOM_TEMPLATE = '{ "field": "_createdBy", "op": "eq", "value": { "$me": true } }';

/** The part of a detail's pointer below the cell (`/0/forms/1/view/custom` → `view/custom`). */
function localPath(path: string): string {
  return path.replace(/^\/\d+\/forms\/\d+\/?/, '');
}

/**
 * One cell of the matrix: submit / export / manage, a scope per record action (custom filters as
 * JSON), and a button opening the field-access drawer. Every control is labelled with role, form and
 * action, so a screen reader walking the table knows which cell it is in.
 */
export function PermissionCell({
  cell,
  label,
  errors,
  onChange,
  onOpenFields,
}: {
  cell: CellDraft;
  /** "role · form", prefixed to each control's accessible name. */
  label: string;
  errors: readonly ApiErrorDetail[];
  onChange: (cell: CellDraft) => void;
  onOpenFields: () => void;
}) {
  const { t } = useTranslation();
  const setScope = (action: ScopedAction, kind: ScopeKind) =>
    onChange({
      ...cell,
      [action]: { kind, text: kind === 'custom' && !cell[action].text ? CUSTOM_TEMPLATE : cell[action].text },
    });
  const flag = (key: 'submit' | 'export' | 'manage') => (
    <Checkbox
      checked={cell[key]}
      aria-label={`${label} · ${t(`permissions.action.${key}`)}`}
      onChange={(e) => onChange({ ...cell, [key]: e.target.checked })}
    >
      {t(`permissions.action.${key}`)}
    </Checkbox>
  );
  const restricted = cell.fields.length;

  return (
    <Flex vertical gap={4} style={{ minWidth: 220 }} data-testid="permission-cell">
      <Flex wrap gap={4}>
        {flag('submit')}
        {flag('export')}
        {flag('manage')}
      </Flex>
      {SCOPED_ACTIONS.map((action) => (
        <Flex key={action} vertical gap={2}>
          <Flex align="center" gap={6}>
            <Typography.Text style={{ width: 56, flex: 'none' }}>
              {t(`permissions.action.${action}`)}
            </Typography.Text>
            <Select<ScopeKind>
              size="small"
              style={{ flex: 1 }}
              value={cell[action].kind}
              aria-label={`${label} · ${t(`permissions.action.${action}`)}`}
              onChange={(kind) => setScope(action, kind)}
              options={SCOPE_KINDS.map((kind) => ({ value: kind, label: t(`permissions.scope.${kind}`) }))}
            />
          </Flex>
          {cell[action].kind === 'custom' && (
            <Input.TextArea
              size="small"
              autoSize={{ minRows: 2, maxRows: 8 }}
              spellCheck={false}
              style={{ fontFamily: 'monospace', fontSize: 12 }}
              aria-label={`${label} · ${t(`permissions.action.${action}`)} · ${t('permissions.customFilter')}`}
              value={cell[action].text}
              onChange={(e) => onChange({ ...cell, [action]: { kind: 'custom', text: e.target.value } })}
            />
          )}
        </Flex>
      ))}
      <Button
        size="small"
        icon={<EyeInvisibleOutlined />}
        onClick={onOpenFields}
        aria-label={`${label} · ${t('permissions.fieldAccess')}`}
      >
        {restricted > 0
          ? t('permissions.fieldsRestricted', { count: restricted })
          : t('permissions.fieldAccess')}
      </Button>
      {errors.length > 0 && (
        <ul role="alert" data-testid="cell-error" style={{ margin: 0, paddingInlineStart: 16 }}>
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <Typography.Text type="danger">
                {localPath(e.path) ? `${localPath(e.path)}: ` : ''}
                {e.message}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}
