import mongoose, { type Connection } from 'mongoose';

/** An open connection to the deployment's database, embedded or real. */
export interface Store {
  kind: 'embedded' | 'mongodb';
  connection: Connection;
  /** Closes the connection and, for the embedded store, stops it (flushes and releases the lock). */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface StoreOptions {
  mongodbUri: string | undefined;
  dataDir: string;
  /** Database name; defaults to the URI's, else `formloom`. */
  dbName?: string;
  /** Emit the driver's command events (`commandStarted`...) on the client: tests count store round trips. */
  monitorCommands?: boolean;
}

/** Raised when the store cannot be opened; main prints it and exits non-zero. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

interface Credential {
  username: string;
  password: string;
}

interface EmbeddedModule {
  startEmbeddedMongo(options: {
    dataDir: string;
    auth?: Credential;
  }): Promise<{ uri: string; stop(): Promise<void> }>;
  storeCredential(dataDir: string): Promise<Credential>;
}

/**
 * Loads the embedded store's built code. The module is resolved at run time so a missing build is
 * reported as such instead of being replaced by anything that merely looks like MongoDB.
 */
async function loadEmbedded(): Promise<EmbeddedModule> {
  try {
    return (await import('@formloom/embedded-mongo')) as EmbeddedModule;
  } catch (error) {
    throw new StoreError(
      'The embedded MongoDB-compatible store (packages/embedded-mongo) is not built. Run `pnpm build`, or set MONGODB_URI to use a real MongoDB.',
      { cause: error },
    );
  }
}

/**
 * Connects mongoose to `MONGODB_URI`, or starts the embedded store on the data directory and connects
 * the very same mongoose code to it: one code path for both. The embedded store requires a
 * password, generated into the data directory on first start (mode 0600), so other local
 * processes cannot read it through its port; the connection string never carries it.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let uri = options.mongodbUri;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let auth: Credential | undefined;
  if (!uri) {
    const embedded = await loadEmbedded();
    try {
      const { username, password } = await embedded.storeCredential(options.dataDir);
      auth = { username, password };
      const started = await embedded.startEmbeddedMongo({ dataDir: options.dataDir, auth });
      uri = started.uri;
      stopEmbedded = () => started.stop();
    } catch (error) {
      throw new StoreError(
        `Could not start the embedded store on ${options.dataDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const connection = mongoose.createConnection(uri, {
    ...(options.dbName || !options.mongodbUri ? { dbName: options.dbName ?? 'formloom' } : {}),
    ...(auth ? { auth, authSource: 'admin' } : {}),
    serverSelectionTimeoutMS: 10_000,
    autoIndex: true,
    ...(options.monitorCommands ? { monitorCommands: true } : {}),
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await stopEmbedded?.();
    throw new StoreError(`Could not connect to MongoDB: ${(error as Error).message}`, { cause: error });
  }
  return {
    kind: stopEmbedded ? 'embedded' : 'mongodb',
    connection,
    async close() {
      await connection.close();
      await stopEmbedded?.();
    },
  };
}
