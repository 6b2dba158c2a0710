import {
  type Announcements,
  closestCenter,
  type DataRef,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { Tag } from 'antd';
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DesignerModel } from './model/designer-model';
import type { DesignerDoc, Place } from './model/form-tree';
import { placeOf } from './model/form-tree';
import { textOf, typeLabel, useLanguage } from './type-labels';

/** What a draggable carries: a palette entry (a type to add) or a field node on the canvas. */
export type DragData = { kind: 'palette'; type: string } | { kind: 'field'; id: string };
/** What a drop target is: a field (drop before it) or the end of a section or subform. */
export type DropData = { kind: 'field'; id: string } | { kind: 'container'; container: string };

/**
 * Whether a drag is under way or just ended. A keyboard drag starts and ends with Space on a palette
 * button, and the browser turns each Space keyup into a click: clicks in that window are not "add" clicks.
 */
const dragClock = { active: false, endedAt: 0 };

/** True while a click on a draggable is the tail of a keyboard drag rather than a click of its own. */
export function clickIsFromDrag(): boolean {
  return dragClock.active || Date.now() - dragClock.endedAt < 400;
}

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

const STEPS: Readonly<Record<string, number>> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

/**
 * Keyboard dragging walks the drop targets in reading order (top to bottom, then left to right): each
 * arrow press moves to the next or previous place, so a keyboard user reaches every slot, subform columns
 * included, without aiming. Targets inside the dragged subform are skipped.
 */
export const designerKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context }) => {
  const step = STEPS[event.code];
  const { active, collisionRect, droppableRects, droppableContainers, over } = context;
  if (step === undefined || !active || !collisionRect) return undefined;
  event.preventDefault();
  const targets = droppableContainers
    .getEnabled()
    .filter((c) => {
      const inside = (c.data.current as { container?: string } | undefined)?.container;
      return (
        c.id !== active.id &&
        inside !== active.id &&
        c.id !== containerDropId(String(active.id)) &&
        droppableRects.has(c.id)
      );
    })
    .map((c) => ({
      id: c.id,
      rect: droppableRects.get(c.id) as { top: number; left: number; width: number; height: number },
    }))
    .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left);
  const index = targets.findIndex((t) => t.id === over?.id);
  const next = targets[index < 0 ? (step > 0 ? 0 : targets.length - 1) : index + step];
  if (!next) return undefined;
  return {
    x: next.rect.left + next.rect.width / 2 - collisionRect.width / 2,
    y: next.rect.top + next.rect.height / 2 - collisionRect.height / 2,
  };
};

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
  const dropped = useRef('');
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, {
      coordinateGetter: designerKeyboardCoordinates,
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
  const describe = (place: Place, count: number): string => {
    const owner = model.doc.nodes[place.container];
    const container = owner
      ? t('designer.dnd.inSubform', { name: textOf(owner.field.label, language) })
      : t('designer.dnd.inSection', { n: model.doc.sections.findIndex((s) => s.id === place.container) + 1 });
    return t('designer.dnd.position', { position: place.index + 1, count, container });
  };
  /** Where a drop on `over` would put the dragged item (counted as it will be), while it is dragged. */
  const whereOf = (active: DragData | undefined, over: DropData | undefined): string => {
    const place = dropPlace(model.doc, over);
    if (!place) return t('designer.dnd.nowhere');
    const from = active?.kind === 'field' ? placeOf(model.doc, active.id) : undefined;
    const count = containerLength(model.doc, place.container) + (from?.container === place.container ? 0 : 1);
    return describe({ ...place, index: Math.min(place.index, count - 1) }, count);
  };
  /** Where node `id` is now: the drop is announced after the change, as it happened. */
  const whereNow = (id: string | undefined): string => {
    const place = id === undefined ? undefined : placeOf(model.doc, id);
    return place ? describe(place, containerLength(model.doc, place.container)) : t('designer.dnd.nowhere');
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
              where: whereOf(dataOf<DragData>(active.data), dataOf<DropData>(over.data)),
            })
          : t('designer.dnd.notOver', { name: nameOf(dataOf<DragData>(active.data)) }),
      // Computed by onDragEnd below, which runs first: by now the model holds the drop.
      onDragEnd: () => dropped.current,
      onDragCancel: ({ active }) =>
        t('designer.dnd.cancelled', { name: nameOf(dataOf<DragData>(active.data)) }),
    }),
    [t, language, model],
  );

  const onDragStart = (event: DragStartEvent) => {
    dragClock.active = true;
    setDragging(dataOf<DragData>(event.active.data) ?? null);
  };
  const finish = () => {
    dragClock.active = false;
    dragClock.endedAt = Date.now();
    setDragging(null);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    finish();
    const data = dataOf<DragData>(active.data);
    const name = nameOf(data);
    const place = dropPlace(model.doc, dataOf<DropData>(over?.data));
    if (!data || !place) {
      dropped.current = t('designer.dnd.cancelled', { name });
      return;
    }
    // Announced where the field landed, not where it was aimed: a new field at the end of a section of
    // one is "2 of 2", and a field moved down its own section does not count itself twice.
    const id = data.kind === 'palette' ? model.addField(data.type, place) : data.id;
    if (data.kind === 'field') model.moveField(data.id, place);
    dropped.current = id
      ? t('designer.dnd.dropped', { name, where: whereNow(id) })
      : t('designer.dnd.cancelled', { name });
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
      onDragCancel={finish}
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
