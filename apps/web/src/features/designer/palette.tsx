import { useDraggable } from '@dnd-kit/core';
import { fieldTypes } from '@formloom/schema';
import { Button, Typography } from 'antd';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { clickIsFromDrag, paletteDragId } from './designer-dnd';
import type { DesignerModel } from './model/designer-model';
import { textOf, typeLabel, useLanguage } from './type-labels';

const PaletteItem = memo(function PaletteItem({
  type,
  onAdd,
}: {
  type: string;
  onAdd: (type: string) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const name = textOf(typeLabel(type), language);
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({
    id: paletteDragId(type),
    data: { kind: 'palette', type },
  });
  return (
    <Button
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      data-testid={`palette-${type}`}
      aria-label={t('designer.palette.add', { name })}
      onClick={() => {
        if (!clickIsFromDrag()) onAdd(type);
      }}
      // Space picks the entry up for a keyboard drag; without this its keyup would also click (add) it.
      onKeyUp={(event) => {
        if (event.key === ' ') event.preventDefault();
      }}
      style={{
        justifyContent: 'flex-start',
        opacity: isDragging ? 0.5 : 1,
        minHeight: 36,
        touchAction: 'none',
      }}
      block
    >
      {name}
    </Button>
  );
});

/**
 * Every field type of the registry, in registration order: drag one onto the canvas (pointer, or Space and
 * arrows), or click it (Enter) to add it after the selected field.
 */
export function Palette({ model }: { model: DesignerModel }) {
  const { t } = useTranslation();
  const onAdd = (type: string) => {
    const { selected } = model.getState();
    const node = selected ? model.doc.nodes[selected] : undefined;
    if (node?.columns && model.accepts(node.id, type)) {
      model.addField(type, { container: node.id, index: node.columns.length });
      return;
    }
    model.addField(type);
  };
  return (
    <nav aria-label={t('designer.palette.title')} data-testid="palette">
      <Typography.Text strong>{t('designer.palette.title')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 8px' }}>
        {t('designer.palette.hint')}
      </Typography.Paragraph>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(110px, 1fr))', gap: 4 }}>
        {fieldTypes.keys().map((type) => (
          <PaletteItem key={type} type={type} onAdd={onAdd} />
        ))}
      </div>
    </nav>
  );
}
