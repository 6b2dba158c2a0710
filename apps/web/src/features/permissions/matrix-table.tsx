import { DeleteOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Flex, Input, Table, type TableColumnsType, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiErrorDetail } from '../../api/client';
import type { FormSummary, LocalizedText } from '../../api/endpoints';
import { useIsPhone } from '../../components/use-is-phone';
import { localized } from './field-access-drawer';
import { type CellDraft, cellKey, emptyCell, type PlacedErrors, type RoleDraft } from './matrix-model';
import { PermissionCell } from './permission-cell';

/** A localized name with the text of one language replaced (an emptied language is removed). */
function withText(name: LocalizedText, language: string, value: string): Record<string, string> {
  const base: Record<string, string> = typeof name === 'string' ? { en: name } : { ...name };
  if (value) base[language] = value;
  else delete base[language];
  return base;
}

function RoleHeader({
  draft,
  errors,
  onChange,
  onRemove,
}: {
  draft: RoleDraft;
  errors: readonly ApiErrorDetail[];
  onChange: (draft: RoleDraft) => void;
  onRemove: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
  const shown = localized(draft.name, language) || draft.key;
  return (
    <Flex vertical gap={4} style={{ minWidth: 180 }} data-testid="role-header">
      <Input
        size="small"
        addonBefore={t('permissions.roleKey')}
        aria-label={`${shown} · ${t('permissions.roleKey')}`}
        value={draft.key}
        onChange={(e) => onChange({ ...draft, key: e.target.value.trim() })}
      />
      <Input
        size="small"
        addonBefore={t('permissions.roleName')}
        aria-label={`${shown} · ${t('permissions.roleName')}`}
        value={typeof draft.name === 'string' ? draft.name : (draft.name[language] ?? '')}
        onChange={(e) => onChange({ ...draft, name: withText(draft.name, language, e.target.value) })}
      />
      <Checkbox
        checked={draft.manageApp}
        onChange={(e) => onChange({ ...draft, manageApp: e.target.checked })}
      >
        {t('permissions.manageApp')}
      </Checkbox>
      <Button
        size="small"
        danger
        icon={<DeleteOutlined />}
        onClick={onRemove}
        aria-label={t('permissions.removeRole', { role: shown })}
      >
        {t('permissions.remove')}
      </Button>
      {errors.length > 0 && (
        <ul role="alert" data-testid="role-error" style={{ margin: 0, paddingInlineStart: 16 }}>
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <Typography.Text type="danger">
                {e.path.replace(/^\/\d+\/?/, '')} {e.message}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </Flex>
  );
}

/** Rows are roles, columns are the app's forms; each cell edits one role's permission on one form. */
export function MatrixTable({
  drafts,
  forms,
  errors,
  onChange,
  onOpenFields,
}: {
  drafts: readonly RoleDraft[];
  forms: readonly FormSummary[];
  errors: PlacedErrors;
  onChange: (drafts: RoleDraft[]) => void;
  onOpenFields: (uid: string, form: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const phone = useIsPhone();
  const language = i18n.resolvedLanguage ?? 'en';
  const replace = (uid: string, next: RoleDraft) => onChange(drafts.map((d) => (d.uid === uid ? next : d)));
  const setCell = (draft: RoleDraft, form: string, cell: CellDraft) =>
    replace(draft.uid, { ...draft, cells: { ...draft.cells, [form]: cell } });

  const columns: TableColumnsType<RoleDraft> = [
    {
      title: t('permissions.role'),
      key: 'role',
      fixed: 'left',
      render: (_v, draft) => (
        <RoleHeader
          draft={draft}
          errors={errors.roles.get(draft.uid) ?? []}
          onChange={(next) => replace(draft.uid, next)}
          onRemove={() => onChange(drafts.filter((d) => d.uid !== draft.uid))}
        />
      ),
    },
    ...forms.map((form) => {
      const formName = localized(form.name, language) || form.key;
      return {
        title: formName,
        key: `form:${form.key}`,
        render: (_v: unknown, draft: RoleDraft) => (
          <PermissionCell
            cell={draft.cells[form.key] ?? emptyCell()}
            label={`${localized(draft.name, language) || draft.key} · ${formName}`}
            errors={errors.cells.get(cellKey(draft.uid, form.key)) ?? []}
            onChange={(cell) => setCell(draft, form.key, cell)}
            onOpenFields={() => onOpenFields(draft.uid, form.key)}
          />
        ),
      };
    }),
  ];

  if (phone) {
    // A matrix does not fit a phone: one card per role, its forms listed down the card.
    if (drafts.length === 0) return <Empty description={t('permissions.noRoles')} />;
    return (
      <Flex vertical gap={12} data-testid="permission-matrix">
        {drafts.map((draft) => (
          <Card key={draft.uid} size="small">
            <RoleHeader
              draft={draft}
              errors={errors.roles.get(draft.uid) ?? []}
              onChange={(next) => replace(draft.uid, next)}
              onRemove={() => onChange(drafts.filter((d) => d.uid !== draft.uid))}
            />
            {forms.map((form) => {
              const formName = localized(form.name, language) || form.key;
              return (
                <div key={form.key} style={{ marginTop: 12 }}>
                  <Typography.Text strong>{formName}</Typography.Text>
                  <PermissionCell
                    cell={draft.cells[form.key] ?? emptyCell()}
                    label={`${localized(draft.name, language) || draft.key} · ${formName}`}
                    errors={errors.cells.get(cellKey(draft.uid, form.key)) ?? []}
                    onChange={(cell) => setCell(draft, form.key, cell)}
                    onOpenFields={() => onOpenFields(draft.uid, form.key)}
                  />
                </div>
              );
            })}
          </Card>
        ))}
      </Flex>
    );
  }
  return (
    <Table<RoleDraft>
      rowKey="uid"
      size="small"
      bordered
      pagination={false}
      scroll={{ x: 'max-content' }}
      dataSource={[...drafts]}
      columns={columns}
      locale={{ emptyText: t('permissions.noRoles') }}
      data-testid="permission-matrix"
    />
  );
}
