import { crc32c } from '@aws-crypto/crc32c';
import { type Document, deserialize, serialize } from 'bson';
import { rememberBytes } from '../engine/wire-bytes.js';

/** Wire opcodes this server understands or recognises. */
export const OpCode = {
  OP_REPLY: 1,
  OP_QUERY: 2004,
  OP_COMPRESSED: 2012,
  OP_MSG: 2013,
} as const;

/** Largest message accepted or sent, as MongoDB's `maxMessageSizeBytes`. */
export const MAX_MESSAGE_SIZE = 48_000_000;
/** Largest user document, as MongoDB's `maxBsonObjectSize`. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
/** MongoDB lets a command body exceed a user document by this much, for the command's own fields. */
const COMMAND_OVERHEAD = 16 * 1024;
/** Largest write batch, as MongoDB's `maxWriteBatchSize`. */
export const MAX_WRITE_BATCH_SIZE = 100_000;

export const HEADER_SIZE = 16;

const FLAG_CHECKSUM_PRESENT = 1;
const FLAG_MORE_TO_COME = 2;
// exhaustAllowed (bit 16) is optional: it is accepted and ignored, since replies never stream.
/** Bits 0-15 are "required": a receiver must reject a message carrying one it does not know. */
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

/** The 16-byte header every wire message starts with. */
export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A decoded request: the command document, its database and how it wants to be answered. */
export interface DecodedRequest {
  header: MessageHeader;
  /** Which reply format the client expects. */
  kind: 'msg' | 'query';
  db: string;
  command: Document;
  /** OP_MSG moreToCome: the client wants no reply. */
  moreToCome: boolean;
}

/**
 * A message that cannot be decoded. The connection that sent it is closed; `requestId` (when the
 * header could be read) lets the server send an error reply first.
 */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: number = 2,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Reads the 16-byte header at the start of `buf`. */
export function readHeader(buf: Buffer): MessageHeader {
  return {
    messageLength: buf.readInt32LE(0),
    requestId: buf.readInt32LE(4),
    responseTo: buf.readInt32LE(8),
    opCode: buf.readInt32LE(12),
  };
}

/** Checks a header's length before the body is buffered, so an oversized claim costs no memory. */
export function checkMessageLength(length: number): void {
  if (length < HEADER_SIZE) throw new ProtocolError(`message length ${length} is smaller than a header`);
  if (length > MAX_MESSAGE_SIZE) {
    throw new ProtocolError(
      `message length ${length} exceeds maxMessageSizeBytes ${MAX_MESSAGE_SIZE}`,
      10334,
    );
  }
}

// promoteValues: false keeps Int32/Double/Long as wrappers so documents round-trip type for type
// (the codec convention shared with the engine).
const DESERIALIZE_OPTIONS = { promoteValues: false } as const;

/** Deserialises exactly one BSON document occupying `buf[start, start+size)`, with bounds checks. */
function readDocument(
  buf: Buffer,
  start: number,
  end: number,
  limit: number,
): { doc: Document; size: number } {
  if (end - start < 5) throw new ProtocolError('truncated BSON document');
  const size = buf.readInt32LE(start);
  if (size < 5 || start + size > end) throw new ProtocolError(`invalid BSON document length ${size}`);
  if (size > limit)
    throw new ProtocolError(`BSON document of ${size} bytes exceeds the limit of ${limit}`, 10334);
  let doc: Document;
  try {
    doc = deserialize(buf.subarray(start, start + size), DESERIALIZE_OPTIONS);
  } catch (error) {
    throw new ProtocolError(`invalid BSON: ${(error as Error).message}`, 22);
  }
  return { doc, size };
}

function readCString(buf: Buffer, start: number, end: number): { value: string; next: number } {
  const nul = buf.indexOf(0, start);
  if (nul < 0 || nul >= end) throw new ProtocolError('unterminated C string');
  return { value: buf.toString('utf8', start, nul), next: nul + 1 };
}

/** Decodes an OP_MSG: one body section (kind 0) plus document sequences (kind 1) merged as arrays. */
function decodeOpMsg(buf: Buffer, header: MessageHeader): DecodedRequest {
  if (buf.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = buf.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & 0xffff & ~KNOWN_REQUIRED_FLAGS;
  if (unknownRequired !== 0) throw new ProtocolError(`unrecognised required OP_MSG flags ${unknownRequired}`);
  let end = buf.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short for its checksum');
    const expected = buf.readUInt32LE(end);
    if (crc32c(buf.subarray(0, end)) !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
  }
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  let pos = HEADER_SIZE + 4;
  while (pos < end) {
    const kind = buf[pos++];
    if (kind === 0) {
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      const { doc, size } = readDocument(buf, pos, end, MAX_BSON_OBJECT_SIZE + COMMAND_OVERHEAD);
      body = doc;
      pos += size;
    } else if (kind === 1) {
      if (end - pos < 4) throw new ProtocolError('truncated document sequence');
      const size = buf.readInt32LE(pos);
      const sectionEnd = pos + size;
      if (size < 5 || sectionEnd > end) throw new ProtocolError(`invalid document sequence length ${size}`);
      const id = readCString(buf, pos + 4, sectionEnd);
      const docs: Document[] = [];
      // An insert's documents keep their bytes: the engine journals them as they came (wire-bytes.ts).
      const keep = id.value === 'documents';
      let p = id.next;
      while (p < sectionEnd) {
        const read = readDocument(buf, p, sectionEnd, MAX_BSON_OBJECT_SIZE + COMMAND_OVERHEAD);
        docs.push(read.doc);
        if (keep) rememberBytes(read.doc, buf.subarray(p, p + read.size));
        p += read.size;
      }
      sequences.push([id.value, docs]);
      pos = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section');
  for (const [id, docs] of sequences) {
    if (Object.hasOwn(body, id))
      throw new ProtocolError(`duplicate field '${id}' in OP_MSG body and sequence`);
    body[id] = docs;
  }
  const db = body.$db;
  if (typeof db !== 'string' || db.length === 0) {
    throw new ProtocolError('OP_MSG requests require a $db argument', 40571);
  }
  return { header, kind: 'msg', db, command: body, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0 };
}

/** Decodes a legacy OP_QUERY, which drivers still use for the first handshake on a connection. */
function decodeOpQuery(buf: Buffer, header: MessageHeader): DecodedRequest {
  const end = buf.length;
  if (end < HEADER_SIZE + 4 + 1 + 8 + 5) throw new ProtocolError('OP_QUERY too short');
  const ns = readCString(buf, HEADER_SIZE + 4, end);
  const { doc } = readDocument(buf, ns.next + 8, end, MAX_BSON_OBJECT_SIZE + COMMAND_OVERHEAD);
  const dot = ns.value.indexOf('.');
  if (dot <= 0 || ns.value.slice(dot + 1) !== '$cmd') {
    throw new ProtocolError(`OP_QUERY is only supported for commands, not on '${ns.value}'`, 352);
  }
  // Old clients wrap the command as { $query: cmd, $readPreference: ... }.
  const wrapped = doc.$query;
  const command: Document =
    wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped) ? (wrapped as Document) : doc;
  return { header, kind: 'query', db: ns.value.slice(0, dot), command, moreToCome: false };
}

/** Decodes one complete message (header included); throws {@link ProtocolError} on anything malformed. */
export function decodeMessage(buf: Buffer): DecodedRequest {
  const header = readHeader(buf);
  if (header.messageLength !== buf.length)
    throw new ProtocolError('message length does not match its header');
  switch (header.opCode) {
    case OpCode.OP_MSG:
      return decodeOpMsg(buf, header);
    case OpCode.OP_QUERY:
      return decodeOpQuery(buf, header);
    case OpCode.OP_COMPRESSED:
      throw new ProtocolError('compression was not negotiated');
    default:
      throw new ProtocolError(`unsupported opcode ${header.opCode}`);
  }
}

function writeHeader(buf: Buffer, requestId: number, responseTo: number, opCode: number): void {
  buf.writeInt32LE(buf.length, 0);
  buf.writeInt32LE(requestId, 4);
  buf.writeInt32LE(responseTo, 8);
  buf.writeInt32LE(opCode, 12);
}

/** Encodes an OP_MSG reply with one body section and no checksum (sending one is optional). */
export function encodeOpMsg(doc: Document, requestId: number, responseTo: number): Buffer {
  const body = serialize(doc);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + 4 + 1 + body.length);
  writeHeader(buf, requestId, responseTo, OpCode.OP_MSG);
  buf.writeUInt32LE(0, HEADER_SIZE);
  buf[HEADER_SIZE + 4] = 0;
  buf.set(body, HEADER_SIZE + 5);
  return buf;
}

/** Encodes an OP_REPLY carrying one document, the answer to a legacy OP_QUERY command. */
export function encodeOpReply(doc: Document, requestId: number, responseTo: number): Buffer {
  const body = serialize(doc);
  const buf = Buffer.allocUnsafe(HEADER_SIZE + 20 + body.length);
  writeHeader(buf, requestId, responseTo, OpCode.OP_REPLY);
  buf.writeInt32LE(8, HEADER_SIZE); // AwaitCapable, as mongod sets it
  buf.writeBigInt64LE(0n, HEADER_SIZE + 4); // cursorID
  buf.writeInt32LE(0, HEADER_SIZE + 12); // startingFrom
  buf.writeInt32LE(1, HEADER_SIZE + 16); // numberReturned
  buf.set(body, HEADER_SIZE + 20);
  return buf;
}
