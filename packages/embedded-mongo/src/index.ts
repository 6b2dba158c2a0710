export { CREDENTIAL_FILE, STORE_USER, type StoreCredential, storeCredential } from './credentials.js';
export { ErrorCodes, MongoCommandError } from './errors.js';
export { type EmbeddedMongo, type EmbeddedMongoOptions, startEmbeddedMongo } from './server.js';
export { DataDirectoryInUseError, StorageCorruptError } from './storage/index.js';
export type { InternalErrorListener } from './wire/dispatcher.js';
