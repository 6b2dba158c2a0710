import {
  DownloadOutlined,
  FilterOutlined,
  ImportOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Card,
  Dropdown,
  Empty,
  Flex,
  Input,
  List,
  Skeleton,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { type FilterNode, type RecordView, recordExtrasApi } from '../../api/records';
import { type Feedback, useFeedback } from '../../components/feedback';
import { PageHeader } from '../../components/page-header';
import { ErrorState } from '../../components/status-states';
import { useIsPhone } from '../../components/use-is-phone';
import { useLocalized } from '../../i18n/localized';
import { useAppScope } from '../apps/app-scope';
import { BackToApp } from '../apps/app-shell';
import { isWorkspaceAdmin } from '../apps/visible-apps';
import { formatDateTime } from '../forms/fields/format';
import { hasTitle, recordName, titleFieldOf } from '../forms/fields/relations';
import type { FieldContext } from '../forms/fields/types';
import { useSession } from '../session/session-context';
import { BulkActions } from './bulk-actions';
import { ColumnChooser } from './column-chooser';
import { FilterBuilder } from './filter-builder';
import { conditionCount } from './filter-model';
import { columnLabel, defaultColumns, kindOf, SYSTEM_COLUMNS, sortable, visibleFields } from './list-fields';
import { RecordCell } from './record-cells';
import { SavedViews, type ViewState } from './saved-views';
import { NEWEST_FIRST, useRecordList } from './use-record-list';

/** No value worth showing on a card: nothing, an empty text or an empty list. */
const isBlankValue = (value: unknown) =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** `/apps/:appId/forms/:formId`: a form's records as a table (cards on phones), live. */
export function RecordsPage() {
  const { t, i18n } = useTranslation();
  const l = useLocalized();
  const { message } = useFeedback();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const scope = useAppScope();
  const { workspace } = useSession();
  const { formId = '' } = useParams();
  const [search] = useSearchParams();
  const linked = search.get('filter');
  const initialFilter = useMemo(() => parseFilter(linked), [linked]);
  const form = scope.formById(formId);
  if (!form) return <ErrorState title={t('records.formNotFound')} />;
  const access = scope.accessOf(form.key);
  return (
    <Records
      key={`${form.id}:${linked ?? ''}`}
      form={form}
      initialFilter={initialFilter}
      access={access}
      scope={scope}
      admin={isWorkspaceAdmin(workspace?.roles ?? [])}
      phone={phone}
      navigate={navigate}
      message={message}
      t={t}
      language={i18n.resolvedLanguage ?? 'en'}
      l={l}
    />
  );
}

/** A filter handed over in the address (`?filter=<DSL JSON>`: a dashboard's click-through), or none. */
function parseFilter(text: string | null): FilterNode | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as FilterNode)
      : null;
  } catch {
    return null;
  }
}

type Props = {
  initialFilter: FilterNode | null;
  form: NonNullable<ReturnType<ReturnType<typeof useAppScope>['formById']>>;
  access: ReturnType<ReturnType<typeof useAppScope>['accessOf']>;
  scope: ReturnType<typeof useAppScope>;
  admin: boolean;
  phone: boolean;
  navigate: ReturnType<typeof useNavigate>;
  message: Feedback['message'];
  t: ReturnType<typeof useTranslation>['t'];
  language: string;
  l: ReturnType<typeof useLocalized>;
};

function Records({
  initialFilter,
  form,
  access,
  scope,
  admin,
  phone,
  navigate,
  message,
  t,
  language,
  l,
}: Props) {
  const fields = useMemo(() => visibleFields(form, access), [form, access]);
  const initialView = useMemo<ViewState>(
    () => ({ columns: defaultColumns(form, fields), filter: initialFilter, q: '', sort: NEWEST_FIRST }),
    [form, fields, initialFilter],
  );
  const [view, setView] = useState<ViewState>(initialView);
  const [search, setSearch] = useState('');
  const [filtering, setFiltering] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const list = useRecordList(
    scope.workspaceId,
    form.id,
    { filter: view.filter, q: view.q, sort: view.sort },
    { isScrolled: () => window.scrollY > 240 },
  );
  const ctx: FieldContext = {
    workspaceId: scope.workspaceId,
    appId: scope.app.id,
    form,
    formByKey: scope.formByKey,
    language,
  };
  const readOnly = useMemo(() => new Set(access.readOnly), [access.readOnly]);
  const formName = l(form.name, form.key);
  const base = `/apps/${scope.app.id}/forms/${form.id}`;
  const labelOf = (key: string) => columnLabel(key, form, language) ?? t(`records.system.${key}`);
  const allColumns = [...fields.map((f) => f.key), ...SYSTEM_COLUMNS];
  const filters = conditionCount(view.filter);

  // Typing searches after a short pause; Enter searches at once.
  const [timer, setTimer] = useState<ReturnType<typeof setTimeout>>();
  const searchNow = (text: string) => {
    clearTimeout(timer);
    setView((v) => ({ ...v, q: text }));
  };

  async function exportAs(format: 'csv' | 'xlsx') {
    try {
      const { blob, filename } = await recordExtrasApi.exportView(scope.workspaceId, form.id, format, {
        ...(view.filter ? { filter: view.filter } : {}),
        q: view.q,
        sort: view.sort,
        fields: view.columns.filter((c) => !c.startsWith('_')),
      });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = filename;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      void message.error(error instanceof ApiError ? error.message : String(error));
    }
  }

  const sortKey = view.sort.replace(/^-/, '');
  const columns: TableColumnsType<RecordView> = view.columns.map((key) => {
    const kind = kindOf(key, form, scope.formByKey);
    return {
      key,
      title: labelOf(key),
      ellipsis: true,
      // The first column names the record and links to it: it stays in view while a wide list scrolls.
      ...(key === view.columns[0] ? { width: 220, fixed: 'left' as const } : {}),
      ...(sortable(kind)
        ? {
            sorter: true,
            sortOrder:
              sortKey === key
                ? view.sort.startsWith('-')
                  ? ('descend' as const)
                  : ('ascend' as const)
                : null,
          }
        : {}),
      render: (_v: unknown, record: RecordView) =>
        key === view.columns[0] ? (
          <Link to={`${base}/records/${record.id}`} onClick={(e) => e.stopPropagation()}>
            <RecordCell record={record} column={key} form={form} ctx={ctx} />
          </Link>
        ) : (
          <RecordCell record={record} column={key} form={form} ctx={ctx} />
        ),
    };
  });

  const actions = (
    <>
      {access.submit && (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => navigate(`${base}/new`)}
          block={phone}
          data-testid="new-record"
        >
          {t('records.new')}
        </Button>
      )}
      {access.submit && !phone && (
        <Button icon={<ImportOutlined />} onClick={() => navigate(`${base}/import`)}>
          {t('records.import')}
        </Button>
      )}
      {access.export && (
        <Dropdown
          menu={{
            items: [
              { key: 'xlsx', label: t('records.exportXlsx') },
              { key: 'csv', label: t('records.exportCsv') },
            ],
            onClick: ({ key }) => void exportAs(key as 'csv' | 'xlsx'),
          }}
        >
          <Button icon={<DownloadOutlined />}>{t('records.export')}</Button>
        </Dropdown>
      )}
    </>
  );

  const selectedRecords = list.items.filter((r) => selected.includes(r.id));
  // A phone card: the record's title, then three more columns (not the title field again, nor the
  // creation time, which is the card's own last line). A form without a title field keeps its first column.
  const titleKey = titleFieldOf(form);
  const cardColumns = view.columns.filter((key) => key !== titleKey && key !== '_createdAt').slice(0, 3);
  return (
    <div data-testid="records-page">
      <PageHeader
        title={formName}
        subtitle={l(form.description)}
        actions={actions}
        {...(phone ? { back: <BackToApp /> } : {})}
      />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex gap={8} wrap align="center">
          <Input.Search
            allowClear
            placeholder={t('records.search')}
            aria-label={t('records.search')}
            value={search}
            onChange={(e) => {
              const text = e.target.value;
              setSearch(text);
              clearTimeout(timer);
              setTimer(setTimeout(() => setView((v) => ({ ...v, q: text })), 350));
            }}
            onSearch={searchNow}
            style={{ flex: phone ? '1 1 100%' : '0 1 320px' }}
            data-testid="record-search"
          />
          <Badge count={filters} size="small">
            <Button icon={<FilterOutlined />} onClick={() => setFiltering(true)} data-testid="open-filter">
              {t('records.filter')}
            </Button>
          </Badge>
          {!phone && (
            <ColumnChooser
              all={allColumns}
              chosen={view.columns}
              labelOf={labelOf}
              onChange={(columns) => setView((v) => ({ ...v, columns }))}
            />
          )}
          {access.view && (
            <SavedViews
              workspaceId={scope.workspaceId}
              formId={form.id}
              current={view}
              onPick={(saved) => {
                setSearch(saved.config.q ?? '');
                setView({
                  columns: saved.config.columns.length ? saved.config.columns : initialView.columns,
                  filter: saved.config.filter,
                  q: saved.config.q ?? '',
                  sort: saved.config.sort ?? NEWEST_FIRST,
                });
              }}
              onReset={() => {
                setSearch('');
                setView(initialView);
              }}
              block={phone}
            />
          )}
          <Button
            type="text"
            icon={<ReloadOutlined />}
            aria-label={t('records.reload')}
            onClick={list.retry}
          />
        </Flex>
        {selected.length > 0 && !phone && (
          <div style={{ marginTop: 8 }}>
            <BulkActions
              selected={selectedRecords}
              fields={fields}
              readOnly={readOnly}
              ctx={ctx}
              canEdit={access.edit}
              canDelete={access.delete}
              canRestore={admin}
              onDone={(changed, removed) => {
                list.patch(changed, removed);
                setSelected([]);
              }}
            />
          </div>
        )}
      </Card>
      {list.waiting.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="new-records"
          title={t('records.newArrived', { count: list.waiting.length })}
          action={
            <Button
              size="small"
              type="primary"
              onClick={() => {
                list.showWaiting();
                window.scrollTo({ top: 0, behavior: 'smooth' });
              }}
            >
              {t('records.showNew')}
            </Button>
          }
        />
      )}
      {list.status === 'error' && list.error ? (
        <ErrorState title={t('records.loadFailed')} error={list.error} onRetry={list.retry} />
      ) : list.status === 'loading' && list.items.length === 0 ? (
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      ) : list.items.length === 0 ? (
        <Card data-testid="records-empty">
          <Empty
            description={
              view.q || filters
                ? t('records.noMatches')
                : access.submit
                  ? t('records.emptySubmit', { form: formName })
                  : t('records.empty')
            }
          >
            {!view.q && !filters && access.submit && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`${base}/new`)}>
                {t('records.new')}
              </Button>
            )}
          </Empty>
        </Card>
      ) : phone ? (
        <List
          dataSource={list.items}
          data-testid="record-cards"
          renderItem={(record) => (
            <Link
              to={`${base}/records/${record.id}`}
              data-testid="record-card"
              style={{ display: 'block', marginBottom: 10 }}
            >
              <Card size="small" hoverable>
                <Typography.Text strong style={{ display: 'block' }} data-testid="record-card-title">
                  {recordName(record, form, language)}
                </Typography.Text>
                <Flex vertical gap={2} style={{ marginTop: 4 }}>
                  {cardColumns.map((key) => (
                    <Flex key={key} gap={6} style={{ minWidth: 0 }} data-testid="card-value">
                      <Typography.Text type="secondary" style={{ flex: 'none' }}>
                        {labelOf(key)}
                      </Typography.Text>
                      <span
                        style={{
                          minWidth: 0,
                          overflow: 'hidden',
                          textOverflow: 'ellipsis',
                          whiteSpace: 'nowrap',
                        }}
                      >
                        {!key.startsWith('_') && isBlankValue(record.data[key]) ? (
                          // An empty value says so, instead of a label beside nothing.
                          <Typography.Text type="secondary" data-testid="card-empty">
                            —
                          </Typography.Text>
                        ) : (
                          <RecordCell record={record} column={key} form={form} ctx={ctx} />
                        )}
                      </span>
                    </Flex>
                  ))}
                </Flex>
                {/* A record named by its creation time does not show it twice. */}
                {hasTitle(record, titleKey) && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(record.createdAt, language)}
                  </Typography.Text>
                )}
              </Card>
            </Link>
          )}
        />
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<RecordView>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list.items}
            pagination={false}
            loading={list.status === 'loading'}
            // Wider than the page: the table scrolls inside itself, never the page, and a shadow at
            // the cut edge says there is more (styles.css .fl-record-table).
            scroll={{ x: 'max-content' }}
            className="fl-record-table"
            {...(access.edit || access.delete
              ? {
                  rowSelection: {
                    fixed: true,
                    selectedRowKeys: selected,
                    onChange: (keys: React.Key[]) => setSelected(keys.map(String)),
                  },
                }
              : {})}
            onChange={(_p, _f, sorter) => {
              const one = Array.isArray(sorter) ? sorter[0] : sorter;
              const key = one?.columnKey ? String(one.columnKey) : undefined;
              setView((v) => ({
                ...v,
                sort: key && one?.order ? `${one.order === 'descend' ? '-' : ''}${key}` : NEWEST_FIRST,
              }));
            }}
            onRow={(record) => ({ onDoubleClick: () => navigate(`${base}/records/${record.id}`) })}
            data-testid="record-table"
          />
        </Card>
      )}
      {list.nextCursor && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Button onClick={list.loadMore} loading={list.status === 'more'} data-testid="load-more">
            {t('records.loadMore')}
          </Button>
        </Flex>
      )}
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
        {t('records.shown', { count: list.items.length })}
      </Typography.Text>
      <FilterBuilder
        open={filtering}
        onClose={() => setFiltering(false)}
        form={form}
        fields={fields}
        ctx={ctx}
        value={view.filter}
        onApply={(filter) => setView((v) => ({ ...v, filter }))}
      />
    </div>
  );
}
