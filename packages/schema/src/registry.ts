/**
 * A typed registry keyed by string, as nocobase registers workflow instructions: registering a key twice
 * is a programming error and throws, so two plugins can never silently shadow each other.
 */
export class Registry<T> {
  readonly #items = new Map<string, T>();

  /** @param kind names the registered things in error messages, e.g. `field type`. */
  constructor(readonly kind: string) {}

  /** Adds `item` under `key`; throws when `key` is taken. */
  register(key: string, item: T): this {
    if (this.#items.has(key)) throw new Error(`${this.kind} "${key}" is already registered`);
    this.#items.set(key, item);
    return this;
  }

  /** The item under `key`, if any. */
  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** The item under `key`; throws when there is none. */
  require(key: string): T {
    const item = this.#items.get(key);
    if (item === undefined) throw new Error(`unknown ${this.kind} "${key}"`);
    return item;
  }

  /** Whether `key` is registered. */
  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** Registered keys in registration order. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Registered items in registration order. */
  values(): T[] {
    return [...this.#items.values()];
  }
}
