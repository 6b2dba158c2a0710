import { EventEmitter } from 'node:events';

/**
 * What a membership change did beyond the membership. Deactivating a member keeps their data and moves
 * their open tasks (modules/tasks, before the answer): to `reassignTo`, else their manager, a department
 * head, the acting admin or an owner (`via`); `moved` counts them (docs/tasks.md).
 */
export type MemberEffect = {
  type: 'reassignOpenTasks';
  ws: string;
  from: string;
  to: string | null;
  via: 'explicit' | 'manager' | 'departmentHead' | 'actingAdmin' | 'owner' | null;
  moved: number;
};

/** Membership events. */
export interface IdentityEventMap {
  'member.deactivated': [{ ws: string; userId: string; by: string | null; effects: MemberEffect[] }];
  'member.reactivated': [{ ws: string; userId: string; by: string | null }];
}

/** A typed emitter of {@link IdentityEventMap}; handlers run synchronously after the change is stored. */
export type IdentityEvents = EventEmitter<IdentityEventMap>;

/** A new emitter (one per app). */
export function createIdentityEvents(): IdentityEvents {
  return new EventEmitter<IdentityEventMap>();
}
