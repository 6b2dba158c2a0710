import { join } from 'node:path';

/*
 * Layout of a data directory:
 *   formloom.lock                      exclusive lock (see lock.ts)
 *   journal-<generation>.wal           write-ahead journal, one file per generation
 *   snapshot-<generation>.bson         full state as of the start of journal <generation>
 *   snapshot-<generation>.bson.tmp     snapshot being written (removed on open)
 * Generations are 16-digit zero-padded so names sort in order. A snapshot G holds every change of the
 * journals before G, so recovery loads snapshot G and replays journals G, G+1, ... in order.
 */

/** The number of the first journal of a fresh directory. */
export const FIRST_GENERATION = 1;

const pad = (generation: number): string => String(generation).padStart(16, '0');

/** Path of the journal of a generation. */
export function journalPath(dir: string, generation: number): string {
  return join(dir, `journal-${pad(generation)}.wal`);
}

/** Path of the snapshot taken at the start of a generation. */
export function snapshotPath(dir: string, generation: number): string {
  return join(dir, `snapshot-${pad(generation)}.bson`);
}

/** Temp path a snapshot is written to before it is renamed into place. */
export function snapshotTempPath(dir: string, generation: number): string {
  return `${snapshotPath(dir, generation)}.tmp`;
}

/** What a directory listing holds, by generation (ascending). */
export interface DirectoryListing {
  journals: number[];
  snapshots: number[];
  temps: string[];
}

/** Sorts the names of a data directory into journals, snapshots and leftover temp files. */
export function classify(names: readonly string[]): DirectoryListing {
  const journals: number[] = [];
  const snapshots: number[] = [];
  const temps: string[] = [];
  for (const name of names) {
    const journal = /^journal-(\d{16})\.wal$/.exec(name);
    const snapshot = /^snapshot-(\d{16})\.bson$/.exec(name);
    if (journal?.[1]) journals.push(Number(journal[1]));
    else if (snapshot?.[1]) snapshots.push(Number(snapshot[1]));
    else if (/^snapshot-\d{16}\.bson\.tmp$/.test(name)) temps.push(name);
  }
  const ascending = (a: number, b: number) => a - b;
  return { journals: journals.sort(ascending), snapshots: snapshots.sort(ascending), temps };
}
