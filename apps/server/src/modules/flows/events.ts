import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import type { FlowOutcome } from '@formloom/flow';
import type { Connection } from 'mongoose';

/** A flow instance ended: what automations' `flowEnded` trigger listens to. Ids as strings. */
export interface FlowEndedEvent {
  /**
   * The delivery's stable key (`<outbox entry>:<index>`): an event delivered again after a repair carries the
   * same id, so a listener that is not idempotent by itself can drop the repeat.
   */
  id: string;
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
  /**
   * The automations whose runs led to this end (`<automation>@<record>`, outermost first): set when the
   * instance ended inside an automation's action (a flow started by `startFlow` whose steps all skip), so
   * the automations' loop guard sees a `flowEnded` automation that would start the flow again.
   */
  chain: string[];
}

/** A flow instance started (a submission, a resubmission starts no new instance). */
export interface FlowStartedEvent {
  /** The delivery's stable key, as {@link FlowEndedEvent.id}. */
  id: string;
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
 * never hear each other). Events are emitted after the record was stored; listeners run inside the request
 * or job that caused them (awaited when they answer a promise), so anything slow belongs in a job they
 * schedule.
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

const chains = new AsyncLocalStorage<readonly string[]>();

/**
 * Runs `work` (an automation's action) with the chain of automations that led to it, so flow ends it causes
 * carry the chain in {@link FlowEndedEvent.chain}.
 */
export function withAutomationChain<T>(chain: readonly string[], work: () => Promise<T>): Promise<T> {
  return chains.run(chain, work);
}

/** The chain of automations the current work runs in (empty outside automations). */
export function currentAutomationChain(): string[] {
  return [...(chains.getStore() ?? [])];
}

/**
 * Emits an event and waits for listeners that answer a promise (the automations' trigger schedules its
 * durable jobs before the transition's answer goes out), without letting a listener's failure fail the
 * transition that already happened.
 */
export async function emitFlowEvent<K extends keyof FlowBusEvents>(
  connection: Connection,
  name: K,
  ...args: FlowBusEvents[K]
): Promise<void> {
  const bus = flowEvents(connection) as EventEmitter;
  for (const listener of bus.listeners(name)) {
    try {
      await (listener as (...a: unknown[]) => unknown)(...args);
    } catch {
      // Listeners own their failures.
    }
  }
}
