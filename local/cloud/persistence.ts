// The data directory's state file: every emulator's snapshot in one JSON document, written whole and renamed into
// place so a crash mid-write never leaves a torn file. DynamoDB keeps its own files (dynalite) under the same directory.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Persistent {
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

interface PersistenceOptions {
  /** Without one, nothing is kept: an in-memory cloud (tests, replays). */
  readonly dataDir: string | undefined;
  readonly now: () => Date;
  /** By the key each one's snapshot has in the file. */
  readonly parts: Readonly<Record<string, Persistent>>;
}

const STATE_FILE = 'state.json';

const createPersistence = ({ dataDir, now, parts }: PersistenceOptions) => {
  const file = dataDir ? join(dataDir, STATE_FILE) : undefined;
  return {
    /** Gives each part its snapshot from the last run, if there was one. */
    restore: () => {
      if (!file || !existsSync(file)) return;
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const [key, part] of Object.entries(parts)) if (saved[key]) part.restore(saved[key]);
    },
    save: () => {
      if (!file) return;
      const state = {
        savedAt: now().toISOString(),
        ...Object.fromEntries(Object.entries(parts).map(([key, part]) => [key, part.snapshot()])),
      };
      writeFileSync(`${file}.tmp`, JSON.stringify(state));
      renameSync(`${file}.tmp`, file);
    },
  };
};

export type { Persistent };
export { createPersistence };
