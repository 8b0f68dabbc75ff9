// The data directory's database: one SQLite file (node:sqlite) in WAL mode holding every emulator's records as
// (kind, key) → JSON rows, and bytes as they are (an S3 object's body: a BLOB in the same column, never base64).
// Opened by the writer thread, which applies every change; at start-up on the main thread, to read what the last run
// left (the text rows, and only the sizes of the byte rows); and read-only on the main thread for the bytes of one row
// when they are asked for (an S3 object's body no longer held in memory).
//
// synchronous=FULL, not NORMAL: in WAL mode NORMAL syncs the log only at checkpoints, so a committed write survives
// the process dying (SIGKILL, a crash) but not the machine losing power; FULL syncs the log at every commit, so a
// write the local cloud acknowledges is on disk. The fsync (~1 ms here) is paid on the writer thread, once per group
// of writes, never on the thread that answers requests.
import { DatabaseSync } from 'node:sqlite';

const FILE = 'smcp.db';

/**
 * put: [0, kind, key, value] (JSON text, or bytes stored as a BLOB) · remove: [1, kind, key] · remove every key
 * starting with prefix: [2, kind, prefix]
 */
type Op =
  | readonly [0, string, string, string | Uint8Array]
  | readonly [1, string, string]
  | readonly [2, string, string];

/** What the last run left: text rows and the sizes of byte rows, each grouped by kind in key order. */
interface Saved {
  readonly text: Map<string, [string, string][]>;
  readonly byteSizes: Map<string, [string, number][]>;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key)
  ) WITHOUT ROWID;
`;

const openDatabase = (file: string) => {
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  // Another process on the same directory waits a little instead of failing at once, then gets a clear error.
  db.exec('PRAGMA busy_timeout = 2000');
  db.exec(SCHEMA);
  return db;
};

const append = <T>(rows: Map<string, [string, T][]>, kind: string, row: [string, T]) => {
  const list = rows.get(kind);
  if (list) list.push(row);
  else rows.set(kind, [row]);
};

/** Every text row and the size of every byte row, grouped by kind, each kind in key order. */
const readAll = (file: string): Saved => {
  const db = openDatabase(file);
  try {
    const saved: Saved = { text: new Map(), byteSizes: new Map() };
    // A byte row's bytes stay on disk: a trail's log files can add up to gigabytes.
    const all = db
      .prepare(
        `SELECT kind, key, CASE WHEN typeof(value) = 'blob' THEN NULL ELSE value END AS text, length(value) AS size
         FROM records ORDER BY kind, key`,
      )
      .all() as { kind: string; key: string; text: string | null; size: number }[];
    for (const { kind, key, text, size } of all) {
      if (text !== null) append(saved.text, kind, [key, text]);
      else append(saved.byteSizes, kind, [key, size]);
    }
    return saved;
  } finally {
    db.close();
  }
};

/** Reads one byte row from what is on disk (committed), for the thread that serves requests; never writes. */
const createByteReader = (file: string) => {
  let db: DatabaseSync | undefined;
  let select: ReturnType<DatabaseSync['prepare']> | undefined;
  let closed = false;
  return {
    read: (kind: string, key: string): Buffer | undefined => {
      // Not opened again once closed: a handle nobody would close, on a store whose writes have stopped.
      if (closed) throw new Error(`The local store is closed: ${kind} ${key} cannot be read`);
      if (!db) {
        db = new DatabaseSync(file, { readOnly: true });
        db.exec('PRAGMA busy_timeout = 2000');
        select = db.prepare("SELECT value FROM records WHERE kind = ? AND key = ? AND typeof(value) = 'blob'");
      }
      const row = select?.get(kind, key) as { value: Uint8Array } | undefined;
      return row && Buffer.from(row.value.buffer, row.value.byteOffset, row.value.byteLength);
    },
    close: () => {
      closed = true;
      db?.close();
      db = undefined;
    },
  };
};

/** Applies batches of ops, each group in one transaction. */
const createApplier = (db: DatabaseSync) => {
  const put = db.prepare(
    'INSERT INTO records (kind, key, value) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM records WHERE kind = ? AND key = ?');
  // Keys are compared as text: every key >= prefix and < prefix + U+FFFF starts with the prefix.
  const removePrefix = db.prepare('DELETE FROM records WHERE kind = ? AND key >= ? AND key < ?');
  return (batches: readonly (readonly Op[])[]) => {
    db.exec('BEGIN');
    try {
      for (const ops of batches) {
        for (const op of ops) {
          if (op[0] === 0) put.run(op[1], op[2], op[3]);
          else if (op[0] === 1) remove.run(op[1], op[2]);
          else removePrefix.run(op[1], op[2], `${op[2]}\uffff`);
        }
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
};

export type { Op, Saved };
export { createApplier, createByteReader, FILE, openDatabase, readAll };
