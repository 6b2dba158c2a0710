import { fail } from '../errors.js';
import { bsonType, type Doc, isPlainObject, typeName } from './values.js';

/**
 * How mongod's IDL parses one command field. Each kind answers a wrong type with mongod's exact
 * error, so a client gets the same refusal from the embedded store as from a real server.
 */
type FieldKind =
  /** IDL `object`: a document. */
  | 'object'
  /** find's `object_owned_nonempty_serialize` (filter, sort, projection...): a document. */
  | 'findObject'
  /** IDL `bool`: exactly a boolean. */
  | 'bool'
  /** IDL `optionalBool`: a boolean. */
  | 'optionalBool'
  /** IDL `safeBool`: a boolean or a number. */
  | 'safeBool'
  /** IDL `safeInt64` / `safeInt`: any number. */
  | 'safeInt'
  /** `safeInt64` with `validator: { gte: 0 }`. */
  | 'nonNegative'
  /** IDL `int`: an Int32. */
  | 'int'
  | 'string'
  | 'array'
  /** IDL `array<object>`. */
  | 'objectArray'
  /** `indexHint`: an index name or a key pattern. */
  | 'hint'
  /** A nested struct checked against its own spec (see {@link NESTED}). */
  | 'struct'
  | 'any';

interface Spec {
  fields: Record<string, FieldKind>;
  /** Fields that must be present. */
  required?: string[];
}

/**
 * Arguments every command accepts (mongod's generic_argument.idl): session, read and write
 * concern, API version, comments and the fields drivers and routers add.
 */
const GENERIC = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  '$readPreference',
  '$audit',
  '$client',
  '$configServerState',
  '$configTime',
  '$topologyTime',
  '$replData',
  '$oplogQueryData',
  '$queryOptions',
  'readConcern',
  'writeConcern',
  'maxTimeMS',
  'maxTimeMSOpOnly',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'stmtId',
  'txnRetryCounter',
  'clientOperationKey',
  'allowImplicitCollectionCreation',
  'databaseVersion',
  'shardVersion',
  'tracking_info',
  'coordinator',
  'mayBypassWriteBlocking',
  'usesDefaultMaxTimeMS',
  'readOnce',
  'requestGossipRoutingCache',
  'versionContext',
]);

const WRITE_BASE: Record<string, FieldKind> = {
  bypassDocumentValidation: 'safeBool',
  ordered: 'bool',
  stmtIds: 'array',
  let: 'object',
  runtimeConstants: 'object',
  encryptionInformation: 'object',
  isTimeseriesNamespace: 'optionalBool',
  collectionUUID: 'any',
};

/** Command specs by lower-cased command name (the command's own name field is checked by the handler). */
const COMMANDS: Record<string, Spec> = {
  find: {
    fields: {
      filter: 'findObject',
      projection: 'findObject',
      sort: 'findObject',
      hint: 'hint',
      collation: 'findObject',
      skip: 'nonNegative',
      limit: 'nonNegative',
      batchSize: 'nonNegative',
      ntoreturn: 'nonNegative',
      singleBatch: 'optionalBool',
      allowDiskUse: 'optionalBool',
      min: 'findObject',
      max: 'findObject',
      returnKey: 'optionalBool',
      showRecordId: 'optionalBool',
      tailable: 'optionalBool',
      oplogReplay: 'any',
      noCursorTimeout: 'optionalBool',
      awaitData: 'optionalBool',
      allowPartialResults: 'optionalBool',
      let: 'object',
      options: 'object',
      term: 'safeInt',
      allowSpeculativeMajorityRead: 'optionalBool',
      $_requestResumeToken: 'optionalBool',
      $_resumeAfter: 'findObject',
      runtimeConstants: 'object',
      collectionUUID: 'any',
      encryptionInformation: 'object',
    },
  },
  insert: { fields: { ...WRITE_BASE, documents: 'objectArray' }, required: ['documents'] },
  update: { fields: { ...WRITE_BASE, updates: 'array' }, required: ['updates'] },
  delete: { fields: { ...WRITE_BASE, deletes: 'array' }, required: ['deletes'] },
  findandmodify: {
    fields: {
      query: 'object',
      fields: 'object',
      sort: 'object',
      batchSize: 'int',
      singleBatch: 'bool',
      hint: 'hint',
      collation: 'object',
      arrayFilters: 'objectArray',
      remove: 'safeBool',
      update: 'any',
      upsert: 'safeBool',
      new: 'safeBool',
      bypassDocumentValidation: 'safeBool',
      let: 'object',
      runtimeConstants: 'object',
      encryptionInformation: 'object',
      bypassEmptyTsReplacement: 'optionalBool',
      sampleId: 'any',
    },
  },
  aggregate: {
    fields: {
      pipeline: 'array',
      explain: 'optionalBool',
      allowDiskUse: 'optionalBool',
      cursor: 'struct',
      hint: 'hint',
      needsMerge: 'optionalBool',
      fromMongos: 'optionalBool',
      bypassDocumentValidation: 'optionalBool',
      collation: 'object',
      let: 'object',
      runtimeConstants: 'object',
      exchange: 'object',
      isMapReduceCommand: 'optionalBool',
      collectionUUID: 'any',
      encryptionInformation: 'object',
      $_requestReshardingResumeToken: 'optionalBool',
      $_generateV2ResumeTokens: 'optionalBool',
    },
    required: ['pipeline'],
  },
  count: {
    fields: {
      query: 'object',
      limit: 'safeInt',
      skip: 'nonNegative',
      hint: 'hint',
      collation: 'object',
      fields: 'object',
      sampleId: 'any',
      encryptionInformation: 'object',
    },
  },
  distinct: {
    fields: {
      key: 'string',
      query: 'object',
      collation: 'object',
      hint: 'hint',
      sampleId: 'any',
    },
    required: ['key'],
  },
  getmore: {
    fields: {
      collection: 'string',
      batchSize: 'safeInt',
      maxTimeMS: 'any',
      term: 'safeInt',
      lastKnownCommittedOpTime: 'any',
      includeQueryStatsMetrics: 'optionalBool',
    },
    required: ['collection'],
  },
  killcursors: { fields: { cursors: 'array' }, required: ['cursors'] },
  createindexes: {
    fields: {
      indexes: 'array',
      commitQuorum: 'any',
      ignoreUnknownIndexOptions: 'optionalBool',
      isTimeseriesNamespace: 'optionalBool',
      collectionUUID: 'any',
      returnOnStart: 'optionalBool',
    },
    required: ['indexes'],
  },
  listindexes: {
    fields: {
      cursor: 'struct',
      includeBuildUUIDs: 'optionalBool',
      includeIndexBuildInfo: 'optionalBool',
      isTimeseriesNamespace: 'optionalBool',
      collectionUUID: 'any',
    },
  },
  listcollections: {
    fields: {
      filter: 'object',
      cursor: 'struct',
      nameOnly: 'any',
      authorizedCollections: 'any',
      includePendingDrops: 'any',
    },
  },
  create: {
    fields: {
      capped: 'safeBool',
      autoIndexId: 'safeBool',
      idIndex: 'object',
      size: 'safeInt',
      max: 'safeInt',
      storageEngine: 'object',
      validator: 'object',
      validationLevel: 'string',
      validationAction: 'string',
      indexOptionDefaults: 'object',
      viewOn: 'string',
      pipeline: 'array',
      collation: 'object',
      changeStreamPreAndPostImages: 'object',
      timeseries: 'object',
      clusteredIndex: 'any',
      expireAfterSeconds: 'safeInt',
      encryptedFields: 'object',
      temp: 'safeBool',
      flags: 'safeInt',
      recordPreImages: 'safeBool',
    },
  },
  collmod: {
    fields: {
      validator: 'object',
      validationLevel: 'string',
      validationAction: 'string',
      viewOn: 'string',
      pipeline: 'array',
      index: 'object',
      expireAfterSeconds: 'any',
      changeStreamPreAndPostImages: 'object',
      timeseries: 'object',
      cappedSize: 'safeInt',
      cappedMax: 'safeInt',
      recordPreImages: 'safeBool',
      dryRun: 'optionalBool',
      collectionUUID: 'any',
      isTimeseriesNamespace: 'optionalBool',
      prepareUnique: 'any',
      unique: 'any',
      hidden: 'any',
    },
  },
  drop: { fields: { collectionUUID: 'any' } },
  dropdatabase: { fields: {} },
  renamecollection: {
    fields: {
      to: 'string',
      dropTarget: 'any',
      stayTemp: 'bool',
      collectionUUID: 'any',
      newTargetCollectionUuid: 'any',
    },
    required: ['to'],
  },
  listdatabases: { fields: { filter: 'object', nameOnly: 'bool', authorizedDatabases: 'bool' } },
  dbstats: { fields: { scale: 'safeInt', freeStorage: 'safeInt' } },
  collstats: { fields: { scale: 'safeInt', verbose: 'bool', waitForLock: 'bool', numericOnly: 'bool' } },
  explain: { fields: { verbosity: 'string' } },
  dropindexes: {
    fields: { index: 'any', isTimeseriesNamespace: 'optionalBool', collectionUUID: 'any' },
    required: ['index'],
  },
};

/** Nested structs: `<command>.<field>` entries (each element for arrays). */
const NESTED: Record<string, Spec> = {
  'update.updates': {
    fields: {
      q: 'object',
      u: 'any',
      c: 'object',
      arrayFilters: 'objectArray',
      hint: 'hint',
      multi: 'bool',
      upsert: 'bool',
      upsertSupplied: 'optionalBool',
      collation: 'object',
      sampleId: 'any',
      $_allowShardKeyUpdatesWithoutFullShardKeyInQuery: 'optionalBool',
    },
    required: ['q', 'u'],
  },
  'delete.deletes': {
    fields: { q: 'object', limit: 'any', hint: 'hint', collation: 'object', sampleId: 'any' },
    required: ['q', 'limit'],
  },
  'aggregate.cursor': { fields: { batchSize: 'nonNegative' } },
  'listIndexes.cursor': { fields: { batchSize: 'nonNegative' } },
  'listCollections.cursor': { fields: { batchSize: 'nonNegative' } },
};

const NUMBER_TYPES = "'[long, int, decimal, double']";

function isNumber(v: unknown): boolean {
  if (typeof v === 'number' || typeof v === 'bigint') return true;
  const t = bsonType(v);
  return t === 'Int32' || t === 'Double' || t === 'Long' || t === 'Decimal128';
}

function numberValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return Number(String((v as { valueOf(): unknown }).valueOf()));
}

function wrongType(path: string, v: unknown, expected: string): never {
  fail(14, `BSON field '${path}' is the wrong type '${typeName(v)}', expected ${expected}`);
}

/** Checks one field value against its kind; `path` is mongod's dotted field path for messages. */
function checkField(path: string, name: string, kind: FieldKind, v: unknown): void {
  // IDL treats an explicit null like a missing optional field for these kinds.
  switch (kind) {
    case 'any':
      return;
    case 'object':
    case 'struct':
      if (!isPlainObject(v)) wrongType(path, v, "type 'object'");
      if (kind === 'struct') checkStruct(path, v);
      return;
    case 'findObject':
      // mongod 7.0's parseOwnedBSON message (sic: no space before "to").
      if (!isPlainObject(v)) fail(14, `Expected field ${name}to be of type object`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') wrongType(path, v, "type 'bool'");
      return;
    case 'optionalBool':
      if (typeof v !== 'boolean')
        fail(14, `Field '${name}' should be a boolean value, but found: ${typeName(v)}`);
      return;
    case 'safeBool':
      if (typeof v !== 'boolean' && !isNumber(v))
        wrongType(path, v, "types '[bool, long, int, decimal, double']");
      return;
    case 'safeInt':
      if (!isNumber(v)) wrongType(path, v, `types ${NUMBER_TYPES}`);
      return;
    case 'nonNegative':
      if (!isNumber(v)) wrongType(path, v, `types ${NUMBER_TYPES}`);
      if (numberValue(v) < 0)
        fail(51024, `BSON field '${name}' value must be >= 0, actual value '${numberValue(v)}'`);
      return;
    case 'int':
      if (!(typeof v === 'number' && Number.isInteger(v)) && bsonType(v) !== 'Int32')
        wrongType(path, v, "type 'int'");
      return;
    case 'string':
      if (typeof v !== 'string') wrongType(path, v, "type 'string'");
      return;
    case 'array':
      if (!Array.isArray(v)) wrongType(path, v, "type 'array'");
      return;
    case 'objectArray':
      if (!Array.isArray(v)) wrongType(path, v, "type 'array'");
      v.forEach((el, i) => {
        if (!isPlainObject(el)) wrongType(`${path}.${i}`, el, "type 'object'");
      });
      return;
    case 'hint':
      if (typeof v !== 'string' && !isPlainObject(v))
        fail(9, 'Hint must be either a string or nested object');
      return;
  }
}

function checkStruct(path: string, v: Doc): void {
  const spec = NESTED[path];
  if (spec) checkFields(path, v, spec, false);
}

function checkFields(path: string, v: Doc, spec: Spec, generic: boolean): void {
  for (const [k, val] of Object.entries(v)) {
    const kind = spec.fields[k];
    if (kind === undefined) {
      if (generic && GENERIC.has(k)) continue;
      fail(40415, `BSON field '${path}.${k}' is an unknown field.`);
    }
    if (val === undefined || (val === null && kind !== 'bool')) continue;
    checkField(`${path}.${k}`, k, kind, val);
  }
  for (const r of spec.required ?? []) {
    if (v[r] === undefined) fail(40414, `BSON field '${path}.${r}' is missing but a required field`);
  }
}

/**
 * Validates a command's arguments as mongod's IDL parser does before running it: unknown fields
 * (40415), missing required ones (40414) and wrong types (14 TypeMismatch) are refused, so no
 * command runs on arguments it would misread (a findAndModify whose query is an ObjectId matched
 * every document). Commands without a spec here are validated by their handlers.
 */
export function validateCommand(cmd: Doc): void {
  const name = Object.keys(cmd)[0] ?? '';
  const spec = COMMANDS[name.toLowerCase()];
  if (!spec) return;
  // mongod names the command in paths as the client spelled it (findAndModify or findandmodify).
  checkFields(name, withoutFirst(cmd), spec, true);
  for (const [field, kind] of Object.entries(spec.fields)) {
    if (kind !== 'array') continue;
    const nested = NESTED[`${name.toLowerCase()}.${field}`];
    const items = cmd[field];
    if (!nested || !Array.isArray(items)) continue;
    const path = `${name}.${field}`;
    for (const item of items) {
      if (!isPlainObject(item)) wrongType(path, item, "type 'object'");
      checkFields(path, item, nested, false);
    }
  }
}

function withoutFirst(cmd: Doc): Doc {
  const out: Doc = {};
  let first = true;
  for (const k of Object.keys(cmd)) {
    if (first) {
      first = false;
      continue;
    }
    out[k] = cmd[k];
  }
  return out;
}

/**
 * Validates a write concern on a standalone: `w` above 1 or a tag set other than "majority" cannot
 * be satisfied without replication, and mongod refuses it before writing anything.
 */
export function validateWriteConcern(cmd: Doc): void {
  const wc = cmd.writeConcern;
  if (wc === undefined || wc === null) return;
  if (!isPlainObject(wc)) wrongType(`${Object.keys(cmd)[0]}.writeConcern`, wc, "type 'object'");
  const w = wc.w;
  if (w === undefined || w === null) return;
  if (isNumber(w)) {
    const n = numberValue(w);
    if (n < 0 || n > 50) fail(9, `w has to be a non-negative number and not greater than 50; found: ${n}`);
    if (n > 1) fail(2, "cannot use 'w' > 1 when a host is not replicated");
    return;
  }
  if (typeof w === 'string') {
    if (w !== 'majority')
      fail(2, `cannot use non-majority 'w' mode ${w} when a host is not a member of a replica set`);
    return;
  }
  if (!isPlainObject(w)) fail(9, 'w has to be a number or string');
}
