import type { Document } from 'bson';

/**
 * MongoDB server error codes the embedded store answers with. The names are MongoDB's `codeName`s,
 * so drivers and mongoose react exactly as they do to a real server.
 */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  OperationFailed: 96,
  NotImplemented: 238,
  OutOfDiskSpace: 14031,
  DuplicateKey: 11000,
  Location10334: 10334, // BSONObjectTooLarge
  InvalidLength: 16,
  InvalidIdField: 53,
  Unauthorized: 13,
  IndexNotFoundWrongName: 27,
  UserNotFound: 11,
  AuthenticationFailed: 18,
  ProtocolError: 17,
  DollarPrefixedFieldName: 52,
  EmptyFieldName: 56,
  CommandNotSupported: 115,
  DocumentValidationFailure: 121,
  NotWritablePrimary: 10107,
  CappedPositionLost: 136,
  CommandNotSupportedOnView: 166,
  OptionNotSupportedOnView: 167,
  InvalidPipelineOperator: 168,
  ViewDepthLimitExceeded: 165,
  NoQueryExecutionPlans: 291,
  InvalidViewDefinition: 182,
  MaxTimeMSExpired: 50,
  QueryFeatureNotAllowed: 224,
  MechanismUnavailable: 334,
} as const;

/** A numeric MongoDB error code. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

const ALIASES = new Set(['IndexNotFoundWrongName', 'Location10334']);
const codeNames = new Map<number, string>(
  Object.entries(ErrorCodes)
    .filter(([name]) => !ALIASES.has(name))
    .map(([name, code]) => [code, name]),
);
codeNames.set(10334, 'BSONObjectTooLarge');

/**
 * An error the server reports to the client as `{ ok: 0, errmsg, code, codeName, ...extra }`.
 * `extra` carries MongoDB's additional fields (for example `keyPattern` and `keyValue` on 11000).
 */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly extra: Document;

  constructor(code: number, message: string, extra: Document = {}) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = code;
    // mongod names a code it has no name for after its location, as `Location<code>`.
    this.codeName = codeNames.get(code) ?? `Location${code}`;
    this.extra = extra;
  }

  /** The reply document for this error. */
  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** Shorthand for throwing a coded error. */
export function fail(code: number, message: string, extra?: Document): never {
  throw new MongoCommandError(code, message, extra);
}
