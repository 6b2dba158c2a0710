import type { Connection } from 'mongoose';

/** Tells the time. Tests pass a controllable one to `buildApp({ clock })`. */
export type Clock = () => Date;

const systemClock: Clock = () => new Date();
const clocks = new WeakMap<Connection, Clock>();

/**
 * Sets the clock of everything that runs on a store connection: due times of jobs, flow deadlines,
 * scheduled automations. Keyed by connection (like the realtime bus) so services that only hold the
 * connection read the same time as the scheduler.
 */
export function setClock(connection: Connection, clock: Clock): void {
  clocks.set(connection, clock);
}

/** The current time on a connection's clock (the system clock unless a test set one). */
export function now(connection: Connection): Date {
  return (clocks.get(connection) ?? systemClock)();
}
