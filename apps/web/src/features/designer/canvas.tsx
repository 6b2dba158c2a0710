import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useDroppable } from '@dnd-kit/core';
import {
  horizontalListSortingStrategy,
  rectSortingStrategy,
  SortableContext,
  useSortable,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { fieldTypes } from '@formloom/schema';
import { Badge, Button, Card, Flex, Input, Select, Tag, Typography, theme } from 'antd';
import { type KeyboardEvent, memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useIsPhone } from '../../components/use-is-phone';
import { containerDropId } from './designer-dnd';
import type { DesignerModel } from './model/designer-model';
import type { DesignerDoc, FieldNode, SectionNode } from './model/form-tree';
import { textOf, typeLabel, useLanguage } from './type-labels';

/** Issue counts per node id, so a card can show that something needs fixing. */
export type IssueCounts = ReadonlyMap<string | null, number>;

function DropEnd({ container, label, compact }: { container: string; label: string; compact?: boolean }) {
  const { setNodeRef, isOver } = useDroppable({
    id: containerDropId(container),
    data: { kind: 'container', container },
  });
  const { token } = theme.useToken();
  return (
    <div
      ref={setNodeRef}
      data-testid={`drop-${container}`}
      style={{
        border: `1px dashed ${isOver ? token.colorPrimary : token.colorBorder}`,
        background: isOver ? token.colorPrimaryBg : undefined,
        borderRadius: 8,
        padding: compact ? 8 : 12,
        color: token.colorTextSecondary,
        textAlign: 'center',
        fontSize: 12,
        gridColumn: '1 / -1',
        minWidth: compact ? 120 : undefined,
      }}
    >
      {label}
    </div>
  );
}

interface CardProps {
  model: DesignerModel;
  node: FieldNode;
  container: string;
  selected: boolean;
  issues: number;
  /** A subform's columns; other cards have none, so they re-render only when their own node changes. */
  children?: ReactNode;
}

interface ListProps {
  model: DesignerModel;
  doc: DesignerDoc;
  counts: IssueCounts;
  selectedId: string | null;
}

const FieldCard = memo(function FieldCard({ model, node, container, selected, issues, children }: CardProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { token } = theme.useToken();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: node.id,
    data: { kind: 'field', id: node.id, container },
  });
  const label = textOf(node.field.label, language) || node.field.key;
  const computed = fieldTypes.get(node.field.type)?.computed;
  const onKeyDown = (event: KeyboardEvent) => {
    listeners?.onKeyDown?.(event);
    if (event.defaultPrevented) return;
    if (event.key === 'Enter') model.select(node.id);
    if (event.key === 'Delete') model.removeField(node.id);
  };
  // dnd-kit's attributes give the card role="button" and a tab stop (a <button> could not hold a subform's cards).
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the role comes from dnd-kit's attributes.
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: aria-pressed belongs to that button role.
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      onKeyDown={onKeyDown}
      onClick={(event) => {
        event.stopPropagation();
        model.select(node.id);
      }}
      aria-label={t('designer.canvas.fieldCard', {
        name: label,
        type: textOf(typeLabel(node.field.type), language),
      })}
      aria-pressed={selected}
      data-testid={`field-${node.field.key}`}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        opacity: isDragging ? 0.4 : 1,
        border: `1px solid ${selected ? token.colorPrimary : issues > 0 ? token.colorError : token.colorBorderSecondary}`,
        boxShadow: selected ? `0 0 0 2px ${token.colorPrimaryBg}` : undefined,
        borderRadius: 8,
        padding: '8px 10px',
        background: token.colorBgContainer,
        cursor: 'grab',
        minWidth: 0,
        touchAction: 'none',
      }}
    >
      <Flex justify="space-between" align="center" gap={6} wrap>
        <Typography.Text strong ellipsis style={{ maxWidth: '100%' }}>
          {node.field.required ? <span style={{ color: token.colorError }}>* </span> : null}
          {label}
        </Typography.Text>
        <Flex gap={4} align="center">
          {issues > 0 && <Badge count={issues} title={t('designer.canvas.issues', { count: issues })} />}
          <Tag color={computed ? 'purple' : 'default'} style={{ marginInlineEnd: 0 }}>
            {textOf(typeLabel(node.field.type), language)}
          </Tag>
        </Flex>
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {node.field.key}
      </Typography.Text>
      {children}
    </div>
  );
});

function SubformColumns({ model, node, doc, counts, selectedId }: ListProps & { node: FieldNode }) {
  const { t } = useTranslation();
  const columns = node.columns ?? [];
  return (
    <SortableContext items={[...columns]} strategy={horizontalListSortingStrategy}>
      <Flex
        gap={6}
        style={{ marginTop: 8, overflowX: 'auto', paddingBottom: 4 }}
        data-testid={`columns-${node.field.key}`}
        onClick={(event) => event.stopPropagation()}
      >
        {columns.map((id) => {
          const column = doc.nodes[id];
          if (!column) return null;
          return (
            <div key={id} style={{ minWidth: 140, flex: '0 0 auto' }}>
              <FieldCard
                model={model}
                node={column}
                container={node.id}
                selected={selectedId === id}
                issues={counts.get(id) ?? 0}
              />
            </div>
          );
        })}
        <DropEnd container={node.id} label={t('designer.canvas.dropColumn')} compact />
      </Flex>
    </SortableContext>
  );
}

function SectionView({
  model,
  section,
  index,
  doc,
  counts,
  selectedId,
  removable,
}: {
  model: DesignerModel;
  section: SectionNode;
  index: number;
  doc: DesignerDoc;
  counts: IssueCounts;
  selectedId: string | null;
  removable: boolean;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const phone = useIsPhone();
  const columns = phone ? 1 : section.columns;
  return (
    <Card
      size="small"
      data-testid={`section-${index + 1}`}
      title={
        <Input
          size="small"
          variant="borderless"
          aria-label={t('designer.section.title', { n: index + 1 })}
          placeholder={t('designer.section.untitled', { n: index + 1 })}
          value={textOf(section.title, language)}
          onChange={(event) => {
            const text = event.target.value;
            const title = { ...section.title, [language]: text };
            if (!text) delete title[language];
            model.updateSection(
              section.id,
              { title: Object.keys(title).length > 0 ? title : undefined },
              'title',
            );
          }}
        />
      }
      extra={
        <Flex gap={4} align="center">
          <Select
            size="small"
            aria-label={t('designer.section.columns')}
            value={section.columns}
            onChange={(value) => model.updateSection(section.id, { columns: value })}
            options={[1, 2, 3, 4].map((n) => ({
              value: n,
              label: t('designer.section.columnsN', { count: n }),
            }))}
            style={{ width: 96 }}
          />
          {removable && (
            <Button
              size="small"
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('designer.section.remove', { n: index + 1 })}
              onClick={() => model.removeSection(section.id)}
            />
          )}
        </Flex>
      }
    >
      <SortableContext items={[...section.fields]} strategy={rectSortingStrategy}>
        <div style={{ display: 'grid', gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: 8 }}>
          {section.fields.map((id) => {
            const node = doc.nodes[id];
            if (!node) return null;
            return (
              <div key={id} style={{ gridColumn: node.columns ? '1 / -1' : undefined, minWidth: 0 }}>
                <FieldCard
                  model={model}
                  node={node}
                  container={section.id}
                  selected={selectedId === id}
                  issues={counts.get(id) ?? 0}
                >
                  {node.columns && (
                    <SubformColumns
                      model={model}
                      node={node}
                      doc={doc}
                      counts={counts}
                      selectedId={selectedId}
                    />
                  )}
                </FieldCard>
              </div>
            );
          })}
          <DropEnd
            container={section.id}
            label={section.fields.length === 0 ? t('designer.canvas.empty') : t('designer.canvas.dropHere')}
          />
        </div>
      </SortableContext>
    </Card>
  );
}

/** The form as it is being built: sections of up to four columns, subforms with their columns in place. */
export function Canvas({
  model,
  doc,
  selectedId,
  counts,
}: {
  model: DesignerModel;
  doc: DesignerDoc;
  selectedId: string | null;
  counts: IssueCounts;
}) {
  const { t } = useTranslation();
  return (
    <section
      aria-label={t('designer.canvas.title')}
      data-testid="canvas"
      onClick={() => model.select(null)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') model.select(null);
      }}
    >
      <Flex vertical gap={12}>
        {doc.sections.map((section, index) => (
          <SectionView
            key={section.id}
            model={model}
            section={section}
            index={index}
            doc={doc}
            counts={counts}
            selectedId={selectedId}
            removable={doc.sections.length > 1}
          />
        ))}
        <Button icon={<PlusOutlined />} type="dashed" onClick={() => model.addSection()}>
          {t('designer.section.add')}
        </Button>
      </Flex>
    </section>
  );
}
