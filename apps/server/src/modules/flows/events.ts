import { EventEmitter } from 'node:events';
import type { FlowOutcome } from '@formloom/flow';
import type { Connection } from 'mongoose';

/** A flow instance ended: what automations' `flowEnded` trigger listens to. Ids as strings. */
export interface FlowEndedEvent {
  ws: string;
  app: string;
  form: string;
  record: string;
  /** The flow's id, key and the version the instance ran. */
  flow: string;
  key: string;
  version: number;
  instance: string;
  outcome: FlowOutcome;
  submitter: string;
  /** The member whose action ended it; null when the system did (a deadline, a node without assignees). */
  by: string | null;
  at: string;
}

/** A flow instance started (a submission, a resubmission starts no new instance). */
export interface FlowStartedEvent {
  ws: string;
  app: string;
  form: string;
  record: string;
  flow: string;
  key: string;
  version: number;
  instance: string;
  submitter: string;
  at: string;
}

interface FlowBusEvents {
  started: [FlowStartedEvent];
  ended: [FlowEndedEvent];
}

/** The typed in-process emitter of flow events of one store connection. */
export type FlowBus = EventEmitter<FlowBusEvents>;

const buses = new WeakMap<Connection, FlowBus>();

/**
 * The flow events of a store connection (keyed like the realtime bus, so apps sharing a process in tests
 * never hear each other). Events are emitted after the record was stored; listeners run synchronously
 * inside the request that caused them, so anything slow belongs in a job they schedule.
 *
 * ```ts
 * flowEvents(connection).on('ended', (event) => { if (event.outcome === 'approved') ... });
 * ```
 */
export function flowEvents(connection: Connection): FlowBus {
  let bus = buses.get(connection);
  if (!bus) {
    bus = new EventEmitter<FlowBusEvents>();
    buses.set(connection, bus);
  }
  return bus;
}

/** Emits without letting a listener's failure fail the transition that already happened. */
export function emitFlowEvent<K extends keyof FlowBusEvents>(
  connection: Connection,
  name: K,
  ...args: FlowBusEvents[K]
): void {
  try {
    (flowEvents(connection) as EventEmitter).emit(name, ...args);
  } catch {
    // Listeners own their failures.
  }
}
