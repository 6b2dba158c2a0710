import type { FormDefinitionSummary } from '../../api/apps';
import type { RecordView } from '../../api/records';
import { formatDateTime } from '../forms/fields/format';
import { widgetOf } from '../forms/fields/registry';
import type { FieldContext } from '../forms/fields/types';

/** One value of a record in a list cell or card: its field's display widget, compact. */
export function RecordCell({
  record,
  column,
  form,
  ctx,
}: {
  record: RecordView;
  column: string;
  form: FormDefinitionSummary;
  ctx: FieldContext;
}) {
  if (column === '_createdAt') return <span>{formatDateTime(record.createdAt, ctx.language)}</span>;
  if (column === '_updatedAt') return <span>{formatDateTime(record.updatedAt, ctx.language)}</span>;
  if (column === '_owner') {
    const { Display } = widgetOf({ key: '_owner', type: 'member', label: {} });
    return (
      <Display field={{ key: '_owner', type: 'member', label: {} }} value={record.owner} ctx={ctx} compact />
    );
  }
  const field = form.fields.find((f) => f.key === column);
  if (!field) return null;
  const { Display } = widgetOf(field);
  return <Display field={field} value={record.data[column]} ctx={{ ...ctx, recordId: record.id }} compact />;
}
