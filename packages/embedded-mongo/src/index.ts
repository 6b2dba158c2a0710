export { ErrorCodes, MongoCommandError } from './errors.js';
export { type EmbeddedMongo, type EmbeddedMongoOptions, startEmbeddedMongo } from './server.js';
