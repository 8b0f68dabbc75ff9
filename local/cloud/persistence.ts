// The data directory's state: one SQLite database (local/store/) that every emulator writes its records through as
// they change, so an operation answers only once what it changed is on disk and a killed process loses nothing it
// acknowledged. DynamoDB keeps its own files (dynalite's LevelDB) under the same directory.
//
// A data directory from an older version holds `state.json` (a snapshot of everything, saved every few seconds): it
// is imported into the database once and renamed `state.json.imported`.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../store/index.ts';

interface Persistent {
  /** Restores what the store holds from the last run and writes every change through from now on. */
  attachStore(store: Store): Promise<void> | undefined;
  /** The pre-database snapshot format, for importing a `state.json`. */
  restore(snapshot: unknown): void;
  /** Hands the store what the part holds back for the end of the turn (before a flush or the close). */
  flush?(): void;
}

interface PersistenceOptions {
  /** Without one, nothing is kept: an in-memory cloud (tests, replays). */
  readonly dataDir: string | undefined;
  readonly log: (line: string) => void;
  /** In the order they attach; the keys are those of the old state.json. */
  readonly parts: Readonly<Record<string, Persistent>>;
}

const LEGACY_STATE_FILE = 'state.json';

const createPersistence = ({ dataDir, log, parts }: PersistenceOptions) => {
  let store: Store | undefined;
  return {
    /** Opens the database and hands each part its records; resolves once the state at start is on disk. */
    open: async (): Promise<void> => {
      if (!dataDir) return;
      store = openStore(dataDir, log);
      const legacy = join(dataDir, LEGACY_STATE_FILE);
      const importing = !store.existed && existsSync(legacy);
      const durable = Object.values(parts).map((part) => (store ? part.attachStore(store) : undefined));
      await Promise.all(durable);
      if (!importing) return;
      const saved = JSON.parse(readFileSync(legacy, 'utf8')) as Record<string, unknown>;
      for (const [key, part] of Object.entries(parts)) if (saved[key]) part.restore(saved[key]);
      // Restoring writes everything through; wait for it before the old file goes.
      await store.commit();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await store.commit();
      renameSync(legacy, `${legacy}.imported`);
      log(`[store] imported ${legacy} into the data directory's database`);
    },
    /** Resolves once everything written so far is on disk. */
    flush: async (): Promise<void> => {
      for (const part of Object.values(parts)) part.flush?.();
      await store?.commit();
    },
    close: async (): Promise<void> => {
      for (const part of Object.values(parts)) part.flush?.();
      await store?.close();
      store = undefined;
    },
  };
};

export type { Persistent };
export { createPersistence };
