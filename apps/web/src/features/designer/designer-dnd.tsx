import {
  type Announcements,
  closestCenter,
  type DataRef,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { Tag } from 'antd';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DesignerModel } from './model/designer-model';
import type { DesignerDoc, Place } from './model/form-tree';
import { placeOf } from './model/form-tree';
import { textOf, typeLabel, useLanguage } from './type-labels';

/** What a draggable carries: a palette entry (a type to add) or a field node on the canvas. */
export type DragData = { kind: 'palette'; type: string } | { kind: 'field'; id: string };
/** What a drop target is: a field (drop before it) or the end of a section or subform. */
export type DropData = { kind: 'field'; id: string } | { kind: 'container'; container: string };

/** Id of the droppable end of a section or subform. */
export const containerDropId = (container: string) => `end:${container}`;
/** Id of a palette draggable. */
export const paletteDragId = (type: string) => `palette:${type}`;

function dataOf<T>(ref: DataRef | undefined): T | undefined {
  return ref?.current as T | undefined;
}

/** Where a drop on `over` puts the dragged item, or undefined when it cannot go there. */
export function dropPlace(doc: DesignerDoc, over: DropData | undefined): Place | undefined {
  if (!over) return undefined;
  if (over.kind === 'container') {
    const section = doc.sections.find((s) => s.id === over.container);
    const length = section ? section.fields.length : (doc.nodes[over.container]?.columns?.length ?? 0);
    return { container: over.container, index: length };
  }
  return placeOf(doc, over.id);
}

function containerLength(doc: DesignerDoc, container: string): number {
  return (
    doc.sections.find((s) => s.id === container)?.fields.length ?? doc.nodes[container]?.columns?.length ?? 0
  );
}

/**
 * The drag and drop of the form designer: pointer and keyboard sensors (space to pick up, arrows to move,
 * space to drop, escape to cancel) and announcements in our own words, in the user's language.
 */
export function DesignerDnd({ model, children }: { model: DesignerModel; children: ReactNode }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [dragging, setDragging] = useState<DragData | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: sortableKeyboardCoordinates,
      // Space picks up and drops; Enter stays a click, so a palette entry added with Enter is not dragged.
      keyboardCodes: { start: ['Space'], cancel: ['Escape'], end: ['Space', 'Enter'] },
    }),
  );

  const nameOf = (data: DragData | undefined): string => {
    if (!data) return '';
    if (data.kind === 'palette') return textOf(typeLabel(data.type), language);
    return (
      textOf(model.doc.nodes[data.id]?.field.label, language) || (model.doc.nodes[data.id]?.field.key ?? '')
    );
  };
  const whereOf = (over: DropData | undefined): string => {
    const place = dropPlace(model.doc, over);
    if (!place) return t('designer.dnd.nowhere');
    const count = containerLength(model.doc, place.container);
    const owner = model.doc.nodes[place.container];
    const container = owner
      ? t('designer.dnd.inSubform', { name: textOf(owner.field.label, language) })
      : t('designer.dnd.inSection', { n: model.doc.sections.findIndex((s) => s.id === place.container) + 1 });
    return t('designer.dnd.position', {
      position: place.index + 1,
      count: Math.max(count, place.index + 1),
      container,
    });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: names are read from the model when announced.
  const announcements: Announcements = useMemo(
    () => ({
      onDragStart: ({ active }) =>
        t('designer.dnd.pickedUp', { name: nameOf(dataOf<DragData>(active.data)) }),
      onDragOver: ({ active, over }) =>
        over
          ? t('designer.dnd.over', {
              name: nameOf(dataOf<DragData>(active.data)),
              where: whereOf(dataOf<DropData>(over.data)),
            })
          : t('designer.dnd.notOver', { name: nameOf(dataOf<DragData>(active.data)) }),
      onDragEnd: ({ active, over }) =>
        over
          ? t('designer.dnd.dropped', {
              name: nameOf(dataOf<DragData>(active.data)),
              where: whereOf(dataOf<DropData>(over.data)),
            })
          : t('designer.dnd.cancelled', { name: nameOf(dataOf<DragData>(active.data)) }),
      onDragCancel: ({ active }) =>
        t('designer.dnd.cancelled', { name: nameOf(dataOf<DragData>(active.data)) }),
    }),
    [t, language, model],
  );

  const onDragStart = (event: DragStartEvent) => setDragging(dataOf<DragData>(event.active.data) ?? null);
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(null);
    const data = dataOf<DragData>(active.data);
    const place = dropPlace(model.doc, dataOf<DropData>(over?.data));
    if (!data || !place) return;
    if (data.kind === 'palette') model.addField(data.type, place);
    else model.moveField(data.id, place);
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      accessibility={{
        announcements,
        screenReaderInstructions: { draggable: t('designer.dnd.instructions') },
      }}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
    >
      {children}
      <DragOverlay dropAnimation={null}>
        {dragging ? (
          <Tag
            color="blue"
            style={{ padding: '6px 12px', fontSize: 14, boxShadow: '0 4px 12px rgba(0,0,0,.15)' }}
          >
            {nameOf(dragging)}
          </Tag>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
