/**
 * Remembers the ids of the last events a socket delivered, so a repeat is dropped: the server may send an
 * event again after repairing a delivery a process left unfinished, under the same `id` (docs/realtime.md).
 * Bounded: the oldest ids are forgotten first (a repeat arrives within a minute or two, not hours later).
 */
export class SeenEvents {
  private readonly ids = new Set<string>();

  constructor(private readonly limit = 500) {}

  /**
   * Whether `payload` repeats an event already seen under the same name and id (and notes it otherwise).
   * Events without an `id` are never repeats.
   */
  repeats(event: string, payload: unknown): boolean {
    const id = (payload as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return false;
    const key = `${event}\u0000${id}`;
    if (this.ids.has(key)) return true;
    this.ids.add(key);
    if (this.ids.size > this.limit) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return false;
  }
}
