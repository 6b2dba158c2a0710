import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import {
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Flex, theme } from 'antd';
import { type ReactNode, useRef } from 'react';
import { useTranslation } from 'react-i18next';

function Row({
  id,
  index,
  count,
  children,
  onRemove,
}: {
  id: string;
  index: number;
  count: number;
  children: ReactNode;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition } = useSortable({
    id,
  });
  return (
    <Flex
      ref={setNodeRef}
      gap={4}
      align="flex-start"
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        padding: 6,
        border: `1px solid ${token.colorBorderSecondary}`,
        borderRadius: 6,
        background: token.colorBgContainer,
      }}
    >
      <Button
        ref={setActivatorNodeRef}
        {...attributes}
        {...listeners}
        type="text"
        size="small"
        icon={<HolderOutlined />}
        aria-label={t('designer.list.move', { position: index + 1, count })}
        style={{ cursor: 'grab', touchAction: 'none' }}
      />
      <div style={{ flex: 1, minWidth: 0 }}>{children}</div>
      <Button
        type="text"
        size="small"
        icon={<DeleteOutlined />}
        aria-label={t('designer.list.remove', { position: index + 1 })}
        onClick={onRemove}
      />
    </Flex>
  );
}

/**
 * A list edited in place: drag rows by their handle (or Space and arrows on it) to reorder, add and remove.
 * Rows keep ids of their own across edits, so a row being typed into keeps its focus.
 */
export function SortableList<T>({
  items,
  onChange,
  renderItem,
  newItem,
  addLabel,
}: {
  items: readonly T[];
  onChange: (items: T[]) => void;
  renderItem: (item: T, index: number, change: (item: T) => void) => ReactNode;
  /** A fresh item for the add button; without it the list adds nothing itself. */
  newItem?: (items: readonly T[]) => T;
  addLabel?: string;
}) {
  const { t } = useTranslation();
  const ids = useRef<string[]>([]);
  const counter = useRef(0);
  while (ids.current.length < items.length) ids.current.push(`row${++counter.current}`);
  ids.current.length = items.length;
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = ids.current.indexOf(String(active.id));
    const to = ids.current.indexOf(String(over.id));
    ids.current = arrayMove(ids.current, from, to);
    onChange(arrayMove([...items], from, to));
  };
  return (
    <Flex vertical gap={4}>
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{
          announcements: {
            onDragStart: ({ active }) =>
              t('designer.list.pickedUp', { position: ids.current.indexOf(String(active.id)) + 1 }),
            onDragOver: ({ over }) =>
              over
                ? t('designer.list.over', {
                    position: ids.current.indexOf(String(over.id)) + 1,
                    count: items.length,
                  })
                : undefined,
            onDragEnd: ({ over }) =>
              over
                ? t('designer.list.dropped', {
                    position: ids.current.indexOf(String(over.id)) + 1,
                    count: items.length,
                  })
                : undefined,
            onDragCancel: () => t('designer.list.cancelled'),
          },
          screenReaderInstructions: { draggable: t('designer.dnd.instructions') },
        }}
      >
        <SortableContext items={[...ids.current]} strategy={verticalListSortingStrategy}>
          {items.map((item, index) => (
            <Row
              key={ids.current[index]}
              id={ids.current[index] as string}
              index={index}
              count={items.length}
              onRemove={() => {
                ids.current.splice(index, 1);
                onChange(items.filter((_, i) => i !== index));
              }}
            >
              {renderItem(item, index, (next) => onChange(items.map((x, i) => (i === index ? next : x))))}
            </Row>
          ))}
        </SortableContext>
      </DndContext>
      {newItem && (
        <Button
          size="small"
          type="dashed"
          icon={<PlusOutlined />}
          onClick={() => onChange([...items, newItem(items)])}
        >
          {addLabel}
        </Button>
      )}
    </Flex>
  );
}
