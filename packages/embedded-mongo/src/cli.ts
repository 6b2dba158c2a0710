#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { storeCredential } from './credentials.js';
import { startEmbeddedMongo } from './server.js';

const usage = 'usage: formloom-db --dbpath DIR [--port N] [--host H] [--socket PATH] [--auth]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dbpath: { type: 'string' },
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      socket: { type: 'string' },
      auth: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = Number(values.port);
  if (!values.dbpath || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 2;
    return;
  }
  // With --auth the store requires SCRAM-SHA-256 as the user whose password is kept in the data
  // directory (generated on first use, mode 0600), the same credential the product connects with.
  const credential = values.auth ? await storeCredential(values.dbpath) : undefined;
  const server = await startEmbeddedMongo({
    dataDir: values.dbpath,
    port,
    host: values.host,
    ...(credential ? { auth: { username: credential.username, password: credential.password } } : {}),
    ...(values.socket ? { socketPath: values.socket } : {}),
    onInternalError: (error, command) =>
      process.stderr.write(`internal error in '${command}': ${String(error)}\n`),
  });
  process.stdout.write(`${server.uri}\n`);
  if (credential) {
    const authUri = server.uri.replace(
      'mongodb://',
      `mongodb://${credential.username}:$(cat '${credential.file}')@`,
    );
    process.stdout.write(
      `authentication required (SCRAM-SHA-256): user "${credential.username}", password in ${credential.file}\n` +
        `connect with: mongosh "${authUri}?authSource=admin"\n`,
    );
  } else if (values.host !== '127.0.0.1' && values.host !== 'localhost' && values.host !== '::1') {
    process.stderr.write(
      `warning: listening on ${values.host} without --auth: anyone who reaches it can read everything\n`,
    );
  }
  let stopping = false;
  const stop = (): void => {
    // A second signal while stopping means "now": the journal is already durable up to the last ack.
    if (stopping) process.exit(1);
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`formloom-db: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
