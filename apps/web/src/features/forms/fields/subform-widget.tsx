import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Flex, theme } from 'antd';
import {
  type CSSProperties,
  lazy,
  memo,
  type ReactNode,
  Suspense,
  useCallback,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDefinition } from '../../../api/apps';
import { Panel } from '../../../components/panel';
import { Text } from '../../../components/text';
import { useIsPhone } from '../../../components/use-is-phone';
import { localized } from '../../../i18n/localized';
import type { FormStore } from '../fill/form-store';
import { useFormStore, useMaybeStoreErrors, useStoreValue } from '../fill/use-store';
import type { DisplayProps, FieldContext, FieldWidget, InputProps } from './types';

type Row = Record<string, unknown>;

let widgetFor: (field: FieldDefinition) => FieldWidget = () => {
  throw new Error('widgets not registered');
};

/** Lets subform cells use the registry's widgets (set once by the registry, which imports this file). */
export function setSubformResolver(resolve: (field: FieldDefinition) => FieldWidget): void {
  widgetFor = resolve;
}

const COMPUTED = new Set(['formula', 'lookup', 'rollup', 'serial', 'system']);

function columnsOf(field: FieldDefinition): FieldDefinition[] {
  return (field.columns ?? []).filter((c) => !c.hidden);
}

/** Width of a column in the desktop grid, by what it holds. */
function widthOf(column: FieldDefinition): number {
  if (['number', 'money', 'percent', 'formula', 'rollup', 'rating', 'switch'].includes(column.type))
    return 130;
  if (['date'].includes(column.type)) return 160;
  if (['datetime'].includes(column.type)) return 210;
  if (['attachment', 'image', 'signature', 'address', 'textarea'].includes(column.type)) return 240;
  return 180;
}

/**
 * A column's box. Inputs need their full width; shown values (a record read in a drawer or a page) share
 * the width there is, down to a smaller floor, so a six-column table fits a 640-880 px drawer and only a
 * narrower space scrolls, inside the table.
 */
function columnStyle(column: FieldDefinition, editable: boolean): CSSProperties {
  if (editable) return { width: widthOf(column), flex: 'none' };
  const floor = Math.round(widthOf(column) * 0.55);
  return { flex: `1 1 ${floor}px`, minWidth: floor, overflowWrap: 'anywhere' };
}

function rowsOf(value: unknown): Row[] {
  return Array.isArray(value) ? (value as Row[]) : [];
}

interface CellProps {
  store: FormStore | null;
  subform: string;
  column: FieldDefinition;
  row: Row;
  index: number;
  ctx: FieldContext;
  disabled: boolean;
  readOnly: ReadonlySet<string>;
  onCell(index: number, column: string, value: unknown): void;
  showLabel: boolean;
}

function CellErrors({ errors }: { errors: readonly string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <Text type="danger" style={{ fontSize: 12, display: 'block' }} role="alert">
      {errors.join('; ')}
    </Text>
  );
}

function Cell({ store, subform, column, row, index, ctx, disabled, readOnly, onCell, showLabel }: CellProps) {
  const { t } = useTranslation();
  const widget = widgetFor(column);
  const label = localized(column.label as never, ctx.language) || column.key;
  const id = `field-${subform}-${index}-${column.key}`;
  const editable =
    !COMPUTED.has(column.type) &&
    !column.readOnly &&
    !readOnly.has(`${subform}.${column.key}`) &&
    widget.Input;
  const errors = useMaybeStoreErrors(store, `${subform}/${index}/${column.key}`);
  const cellCtx: FieldContext = { ...ctx, subform };
  const Input = widget.Input;
  return (
    <div style={{ minWidth: 0 }} data-testid={`cell-${column.key}`}>
      {showLabel && (
        <label htmlFor={id} style={{ display: 'block', fontSize: 12, color: '#64748b', marginBottom: 2 }}>
          {label}
          {column.required && editable ? <span style={{ color: '#dc2626' }}> *</span> : null}
        </label>
      )}
      {editable && Input ? (
        <Input
          field={column}
          value={row[column.key] ?? null}
          onChange={(next) => onCell(index, column.key, next)}
          ctx={cellCtx}
          id={id}
          disabled={disabled}
          invalid={Boolean(errors?.length)}
          scope={row}
          ariaLabel={t('fields.cellLabel', { column: label, row: index + 1 })}
        />
      ) : (
        <div id={id} style={{ minHeight: 32, display: 'flex', alignItems: 'center' }}>
          <widget.Display field={column} value={row[column.key]} ctx={cellCtx} scope={row} />
        </div>
      )}
      <CellErrors errors={errors} />
    </div>
  );
}

interface RowProps extends Omit<CellProps, 'column' | 'showLabel'> {
  columns: FieldDefinition[];
  hiddenColumns: ReadonlySet<string> | undefined;
  onRemove?: (index: number) => void;
  phone: boolean;
}

/** One row; memoized on its own object, so editing another row never repaints it. */
const SubformRow = memo(function SubformRow(props: RowProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { columns, hiddenColumns, onRemove, phone, index } = props;
  const visible = columns.filter((c) => !hiddenColumns?.has(c.key));
  const remove = onRemove && (
    <Button
      type="text"
      danger
      icon={<DeleteOutlined />}
      aria-label={t('fields.removeRow', { row: index + 1 })}
      onClick={() => onRemove(index)}
    />
  );
  if (phone) {
    return (
      <Panel
        size="small"
        data-testid="subform-row"
        title={t('fields.rowTitle', { row: index + 1 })}
        extra={remove}
        style={{ marginBottom: 8 }}
      >
        <Flex vertical gap={8}>
          {visible.map((column) => (
            <Cell key={column.key} {...props} column={column} showLabel />
          ))}
        </Flex>
      </Panel>
    );
  }
  return (
    <div
      data-testid="subform-row"
      style={{
        display: 'flex',
        gap: 8,
        alignItems: 'flex-start',
        padding: '6px 8px',
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
      }}
    >
      <span style={{ width: 32, flex: 'none', color: token.colorTextSecondary, paddingTop: 6 }}>
        {index + 1}
      </span>
      {columns.map((column) => (
        <div key={column.key} style={columnStyle(column, !props.disabled)}>
          {hiddenColumns?.has(column.key) ? null : <Cell {...props} column={column} showLabel={false} />}
        </div>
      ))}
      {!props.disabled && <span style={{ width: 40, flex: 'none' }}>{remove}</span>}
    </div>
  );
});

interface TableProps {
  field: FieldDefinition;
  rows: Row[];
  ctx: FieldContext;
  store: FormStore | null;
  disabled: boolean;
  readOnly: ReadonlySet<string>;
  onCell(index: number, column: string, value: unknown): void;
  onRows?(rows: Row[]): void;
}

/**
 * Up to this many rows render as they are; a longer subform virtualizes its rows, with code (the
 * virtualizer) loaded then: a new record's empty subform does not download it.
 */
const PLAIN_ROWS = 50;

const VirtualRows = lazy(() => import('./subform-virtual-rows').then((m) => ({ default: m.VirtualRows })));

function PlainRows({ count, render }: { count: number; render(index: number): ReactNode }) {
  return (
    <div>
      {Array.from({ length: count }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are keyed by position, as the virtualizer keys them.
        <div key={index} data-index={index}>
          {render(index)}
        </div>
      ))}
    </div>
  );
}

/** The rows; more than {@link PLAIN_ROWS} are virtualized: 2,000 rows render only those on screen. */
function SubformTable({ field, rows, ctx, store, disabled, readOnly, onCell, onRows }: TableProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const phone = useIsPhone();
  const scroller = useRef<HTMLDivElement>(null);
  // Rows are memoized: every prop they get keeps its identity while a cell is typed in, so a keystroke
  // repaints the edited row alone (and the totals), not every row on screen.
  const columns = useMemo(() => columnsOf(field), [field]);
  const rowHeight = phone ? 56 + columns.length * 62 : 48;
  // Once virtualized, a subform stays so (rows would remount, losing focus, each time it crossed over).
  const [virtual, setVirtual] = useState(false);
  if (rows.length > PLAIN_ROWS && !virtual) setVirtual(true);
  const maxRows = typeof field.maxRows === 'number' ? field.maxRows : 10_000;
  const minRows = typeof field.minRows === 'number' ? field.minRows : 0;
  const live = store?.live;
  const rules = live?.hasColumnRules(field.key) ?? false;
  const editable = !disabled && onRows !== undefined;
  const width = editable
    ? 32 + 40 + columns.reduce((sum, c) => sum + widthOf(c) + 8, 16)
    : 32 + columns.reduce((sum, c) => sum + Math.round(widthOf(c) * 0.55) + 8, 16);
  const latest = useRef({ rows, onRows });
  latest.current = { rows, onRows };
  const removeRow = useCallback((index: number) => {
    const { rows: now, onRows: set } = latest.current;
    set?.(now.filter((_, i) => i !== index));
  }, []);
  const remove = editable && rows.length > minRows ? removeRow : undefined;
  const renderRow = (index: number) => {
    const row = rows[index] ?? {};
    return (
      <SubformRow
        store={store}
        subform={field.key}
        columns={columns}
        row={row}
        index={index}
        ctx={ctx}
        disabled={!editable}
        readOnly={readOnly}
        onCell={onCell}
        hiddenColumns={rules && live && store ? live.hiddenColumns(store.data, field.key, row) : undefined}
        {...(remove ? { onRemove: remove } : {})}
        phone={phone}
      />
    );
  };
  const header = !phone && (
    <div
      style={{
        display: 'flex',
        gap: 8,
        padding: '6px 8px',
        background: token.colorFillAlter,
        fontWeight: 500,
        borderBottom: `1px solid ${token.colorBorderSecondary}`,
        position: 'sticky',
        top: 0,
        zIndex: 1,
      }}
      aria-hidden="true"
    >
      <span style={{ width: 32, flex: 'none' }}>#</span>
      {columns.map((column) => (
        <span key={column.key} style={columnStyle(column, editable)}>
          {localized(column.label as never, ctx.language) || column.key}
          {column.required && onRows !== undefined && !COMPUTED.has(column.type) ? (
            <span style={{ color: '#dc2626' }}> *</span>
          ) : null}
        </span>
      ))}
      {editable && <span style={{ width: 40, flex: 'none' }} />}
    </div>
  );
  return (
    <div data-testid={`subform-${field.key}`} style={{ width: '100%', minWidth: 0 }}>
      {rows.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('fields.noRows')}
          style={{ margin: '8px 0' }}
        />
      ) : (
        <section
          ref={scroller}
          aria-label={localized(field.label as never, ctx.language) || field.key}
          style={{
            maxHeight: phone ? 640 : 480,
            overflow: 'auto',
            border: phone ? undefined : `1px solid ${token.colorBorderSecondary}`,
            borderRadius: 8,
          }}
        >
          <div style={{ minWidth: phone ? undefined : width }}>
            {header}
            {virtual ? (
              <Suspense fallback={<PlainRows count={Math.min(rows.length, PLAIN_ROWS)} render={renderRow} />}>
                <VirtualRows
                  count={rows.length}
                  scroller={scroller}
                  estimate={rowHeight}
                  render={renderRow}
                />
              </Suspense>
            ) : (
              <PlainRows count={rows.length} render={renderRow} />
            )}
          </div>
        </section>
      )}
      {editable && rows.length < maxRows && (
        <Button
          icon={<PlusOutlined />}
          onClick={() => {
            onRows?.([...rows, {}]);
            // Show the new row: the list may be long.
            requestAnimationFrame(() => {
              const list = scroller.current;
              list?.scrollTo({ top: list.scrollHeight });
            });
          }}
          style={{ marginTop: 8 }}
          block={phone}
        >
          {t('fields.addRow')}
        </Button>
      )}
      {rows.length > 0 && (
        <Text type="secondary" style={{ display: 'block', marginTop: 4, fontSize: 12 }}>
          {t('fields.rowCount', { count: rows.length })}
        </Text>
      )}
    </div>
  );
}

const NO_READONLY: ReadonlySet<string> = new Set();

/** Edits a subform through the form's store when there is one (cell by cell), else through onChange. */
function SubformInput({ field, value, onChange, ctx, disabled }: InputProps) {
  const store = useFormStore();
  if (store) return <StoreSubform field={field} ctx={ctx} store={store} disabled={disabled === true} />;
  const rows = rowsOf(value);
  return (
    <SubformTable
      field={field}
      rows={rows}
      ctx={ctx}
      store={null}
      disabled={disabled === true}
      readOnly={NO_READONLY}
      onCell={(index, column, next) =>
        onChange(rows.map((r, i) => (i === index ? { ...r, [column]: next } : r)))
      }
      onRows={(next) => onChange(next)}
    />
  );
}

function StoreSubform({
  field,
  ctx,
  store,
  disabled,
}: {
  field: FieldDefinition;
  ctx: FieldContext;
  store: FormStore;
  disabled: boolean;
}) {
  const rows = rowsOf(useStoreValue(store, field.key));
  const onCell = useCallback(
    (index: number, column: string, next: unknown) => store.setCell(field.key, index, column, next),
    [store, field.key],
  );
  const onRows = useCallback((next: Row[]) => store.setRows(field.key, next), [store, field.key]);
  return (
    <SubformTable
      field={field}
      rows={rows}
      ctx={ctx}
      store={store}
      disabled={disabled}
      readOnly={ctx.readOnly ?? NO_READONLY}
      onCell={onCell}
      onRows={onRows}
    />
  );
}

function SubformDisplay({ field, value, ctx, compact }: DisplayProps) {
  const { t } = useTranslation();
  const rows = rowsOf(value);
  // Shown, not edited: every cell reads as its value (a disabled input's grey text reads as a placeholder).
  const shown = useMemo(() => new Set(columnsOf(field).map((c) => `${field.key}.${c.key}`)), [field]);
  if (compact) return rows.length > 0 ? <span>{t('fields.rowCount', { count: rows.length })}</span> : null;
  return (
    <SubformTable
      field={field}
      rows={rows}
      ctx={ctx}
      store={null}
      disabled
      readOnly={shown}
      onCell={() => {}}
    />
  );
}

/** The subform widget. */
export const subformWidgets: Record<string, FieldWidget> = {
  SubformTable: {
    Display: SubformDisplay,
    Input: SubformInput,
    wide: true,
    text: (value) => `${rowsOf(value).length}`,
  },
};
