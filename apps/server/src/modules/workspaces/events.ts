import { EventEmitter } from 'node:events';

/**
 * Follow-up work a membership change asks of other modules. Deactivating a member keeps their data; their
 * open tasks must go to someone (their manager when they have one): the flows module subscribes to
 * `member.deactivated` and carries out `reassignOpenTasks`. With no subscriber the effect is only reported.
 */
export type MemberEffect = { type: 'reassignOpenTasks'; ws: string; from: string; to: string | null };

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
