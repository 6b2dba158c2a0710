import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Db, type Document, MongoClient, type ObjectId } from 'mongodb';
import { startEmbeddedMongo } from '../../server.js';

/**
 * Where a conformance file runs: the embedded server on a fresh temp data directory (default), or the
 * MongoDB at `MONGODB_URI` in a database of its own, so the same assertions prove parity with a real
 * server wherever one is reachable.
 */
export interface ConformanceTarget {
  uri: string;
  dbName: string;
  client: MongoClient;
  db: Db;
  /** True when running against the embedded server. */
  embedded: boolean;
  close(): Promise<void>;
}

/** Opens the target for one test file; `label` names the database. */
export async function openTarget(label: string): Promise<ConformanceTarget> {
  const external = process.env.MONGODB_URI;
  const dbName = `conf_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  if (external) {
    const client = await new MongoClient(external, { serverSelectionTimeoutMS: 10_000 }).connect();
    return {
      uri: external,
      dbName,
      client,
      db: client.db(dbName),
      embedded: false,
      async close() {
        await client.db(dbName).dropDatabase();
        await client.close();
      },
    };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `formloom-conf-${label}-`));
  const server = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(server.uri, { serverSelectionTimeoutMS: 5_000 }).connect();
  return {
    uri: server.uri,
    dbName,
    client,
    db: client.db(dbName),
    embedded: true,
    async close() {
      await client.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A schemaless document whose `_id` may be of any BSON type (the suite uses numbers and strings). */
export interface AnyDoc extends Document {
  _id?: number | string | ObjectId | Document;
}
