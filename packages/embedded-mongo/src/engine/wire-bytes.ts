/**
 * The BSON bytes the documents of an `insert` arrived in, kept by the wire layer for the engine. A document
 * stored exactly as sent (its `_id` first; normalising changes no bytes, see values.ts) is journaled as
 * these bytes instead of being serialised again (~14% of an insert's CPU). Replay decodes them as the wire
 * did, so the recovered document is the one the insert stored.
 */
const received = new WeakMap<object, Uint8Array>();

/** Remembers the bytes `doc` was decoded from (a view of the request, valid while the command runs). */
export function rememberBytes(doc: object, bytes: Uint8Array): void {
  received.set(doc, bytes);
}

/** The bytes `doc` was decoded from, if the wire layer remembered them. */
export function bytesOf(doc: object): Uint8Array | undefined {
  return received.get(doc);
}
