import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The user a store's generated credential authenticates as. */
export const STORE_USER = 'formloom';

/** Name of the file in the data directory that holds the generated password. */
export const CREDENTIAL_FILE = '.store-password';

/** A user name and password for the store, and the file the password lives in. */
export interface StoreCredential {
  username: string;
  password: string;
  /** Absolute path of the password file (mode 0600). */
  file: string;
}

/**
 * The credential of the store in `dataDir`: read from `<dataDir>/.store-password`, or generated
 * (32 random bytes, base64url, so it needs no escaping in a connection string) and written there
 * readable by the owner only on first use. The product and `formloom-db --auth` share it.
 */
export async function storeCredential(dataDir: string): Promise<StoreCredential> {
  const file = resolve(join(dataDir, CREDENTIAL_FILE));
  await mkdir(dataDir, { recursive: true });
  let password: string;
  try {
    password = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    password = randomBytes(32).toString('base64url');
    try {
      // 'wx': if another process created it meanwhile, keep theirs.
      await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      password = (await readFile(file, 'utf8')).trim();
    }
  }
  if (password === '') throw new Error(`${file} is empty: delete it to generate a new store password`);
  // A copy restored with looser permissions is tightened again.
  await chmod(file, 0o600);
  return { username: STORE_USER, password, file };
}
