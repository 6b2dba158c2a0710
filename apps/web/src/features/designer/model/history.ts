/**
 * Snapshot undo/redo, as designable's History keeps it: every step is a whole (immutable, structurally
 * shared) document. Edits of one property arriving within `debounceMs` of each other merge into one
 * step, so typing a label is one undo, not one per keystroke.
 */
export class History<T> {
  readonly #steps: Array<{ value: T; mergeKey?: string; at: number }>;
  #index = 0;

  constructor(
    initial: T,
    private readonly options: { debounceMs: number; limit: number; now: () => number },
  ) {
    this.#steps = [{ value: initial, at: -Infinity }];
  }

  get current(): T {
    return (this.#steps[this.#index] as { value: T }).value;
  }

  get canUndo(): boolean {
    return this.#index > 0;
  }

  get canRedo(): boolean {
    return this.#index < this.#steps.length - 1;
  }

  /** Adds a step (dropping what could be redone), or replaces the last one when `mergeKey` repeats soon. */
  push(value: T, mergeKey?: string): void {
    const now = this.options.now();
    const top = this.#steps[this.#index];
    const merge =
      mergeKey !== undefined &&
      top?.mergeKey === mergeKey &&
      this.#index === this.#steps.length - 1 &&
      this.#index > 0 &&
      now - top.at < this.options.debounceMs;
    if (merge && top) {
      this.#steps[this.#index] = { value, mergeKey, at: now };
      return;
    }
    this.#steps.splice(this.#index + 1);
    this.#steps.push({ value, at: now, ...(mergeKey === undefined ? {} : { mergeKey }) });
    if (this.#steps.length > this.options.limit) this.#steps.shift();
    this.#index = this.#steps.length - 1;
  }

  undo(): T {
    if (this.canUndo) this.#index -= 1;
    this.#seal();
    return this.current;
  }

  redo(): T {
    if (this.canRedo) this.#index += 1;
    this.#seal();
    return this.current;
  }

  /** Replaces every step with one (after loading or a reload from the server). */
  reset(value: T): void {
    this.#steps.splice(0, this.#steps.length, { value, at: -Infinity });
    this.#index = 0;
  }

  // After an undo or redo the next edit starts a new step even if it touches the same property.
  #seal(): void {
    const top = this.#steps[this.#index];
    if (top) this.#steps[this.#index] = { value: top.value, at: top.at };
  }
}
