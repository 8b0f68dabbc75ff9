// Durable local state: every emulator writes the records it changed (a secret, a queue's message, an execution and its
// new history events) through this store, and an operation answers only once its records are on disk. Writes go to a
// writer thread (writer.ts) that commits them to SQLite with an fsync, so the thread answering requests never waits
// on the disk: it hands the rows over and carries on with other requests until the writer says they are durable.
//
// Rows are (kind, key) → JSON text, or bytes (putBytes: an S3 object's body, kept as it is rather than as base64
// inside JSON, which would cost the endpoint's thread a copy a third larger and a scan of it per log file). Kinds
// belong to the emulators (`secretsmanager.secret`, `sqs.message`, `stepfunctions.history`, …); each one reads its
// rows back at start-up with rows(kind), and for byte rows their sizes (byteSizes) and, when needed, their bytes
// (readBytes), which stay on disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createByteReader, FILE, type Op, readAll } from './database.ts';

interface Store {
  /** The rows of one kind the last run left, in key order. */
  rows(kind: string): readonly (readonly [key: string, value: string])[];
  /** The keys and sizes of the byte rows (putBytes) of one kind the last run left, in key order. */
  byteSizes(kind: string): readonly (readonly [key: string, size: number])[];
  /**
   * A byte row's bytes as they are on disk: only what a commit made durable (a row whose write is still on its way
   * is not there yet, or is there as it was), undefined when there is none.
   */
  readBytes(kind: string, key: string): Buffer | undefined;
  /** True when the data directory had a database before this run. */
  readonly existed: boolean;
  put(kind: string, key: string, value: string): void;
  /** Puts bytes (copied: the caller may go on using its buffer). */
  putBytes(kind: string, key: string, value: Uint8Array): void;
  remove(kind: string, key: string): void;
  /** Removes every row of `kind` whose key starts with `prefix`. */
  removePrefix(kind: string, prefix: string): void;
  /**
   * Hands everything put or removed since the last commit to the writer. Returns a promise that resolves once those
   * rows are on disk, or undefined when there was nothing to write.
   */
  commit(): Promise<void> | undefined;
  /** Commits on the next turn of the event loop: for changes nobody answers for (background work). */
  commitSoon(): void;
  /**
   * If the last write of this row is not on disk yet, resolves when it is (a read must not show what may be lost).
   * Only for kinds watched with watch(): keeping account costs something per write, and most kinds never ask.
   */
  pending(kind: string, key: string): Promise<void> | undefined;
  watch(kind: string): void;
  /** Writes what is left and closes the database. */
  close(): Promise<void>;
}

interface Waiter {
  readonly seq: number;
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

type WriterMessage =
  | { readonly durable: number }
  | { readonly failed: number; readonly message: string }
  | { readonly closed: true };

const rowKey = (kind: string, key: string) => `${kind}\u0000${key}`;

const openStore = (dataDir: string, log: (line: string) => void = console.error): Store => {
  const file = join(dataDir, FILE);
  const existed = existsSync(file);
  // Read synchronously before anything serves: the emulators restore from these rows.
  const saved = readAll(file);
  const bytes = createByteReader(file);
  const worker = new Worker(new URL('./writer.ts', import.meta.url), { workerData: { file } });
  // The endpoint keeps the process alive; the writer alone must not.
  worker.unref();

  let seq = 0;
  let ops: Op[] = [];
  // The byte rows' own copies, handed to the writer rather than cloned for it.
  let transfer: ArrayBuffer[] = [];
  const waiters: Waiter[] = [];
  /** row → the seq of the batch holding its latest write, until that batch is durable. */
  const inflight = new Map<string, number>();
  let broken: Error | undefined;
  // After close(): what a process on its way out still changes is not written (it is redone on the next start).
  let shut = false;
  const { promise: closed, resolve: onClosed } = Promise.withResolvers<void>();

  const settleUpTo = (upTo: number, error?: Error) => {
    while (waiters.length > 0 && (waiters[0]?.seq ?? Infinity) <= upTo) {
      const waiter = waiters.shift();
      if (error) waiter?.reject(error);
      else waiter?.resolve();
    }
    if (inflight.size > 0) for (const [row, at] of inflight) if (at <= upTo) inflight.delete(row);
  };

  const fail = (error: Error) => {
    if (broken) return;
    broken = error;
    log(`[store] writing ${file} failed: ${error.message}; changes from now on are not kept`);
    settleUpTo(Infinity, error);
    onClosed();
  };

  worker.on('message', (message: WriterMessage) => {
    if ('durable' in message) settleUpTo(message.durable);
    else if ('failed' in message) fail(new Error(message.message));
    else onClosed();
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', () => {
    if (waiters.length > 0) fail(new Error('the writer thread stopped'));
    onClosed();
  });

  const watched = new Set<string>();
  const track = (kind: string, key: string) => {
    if (watched.has(kind)) inflight.set(rowKey(kind, key), seq + 1);
  };

  const commit = (): Promise<void> | undefined => {
    if (shut || broken) transfer = [];
    if (shut) ops = [];
    if (ops.length === 0) return undefined;
    if (broken) {
      ops = [];
      return Promise.reject(broken);
    }
    seq += 1;
    const batch = { seq, ops };
    const transferList = transfer;
    ops = [];
    transfer = [];
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    // Nobody may be listening (background writes): a failure is logged by fail(), not left unhandled.
    promise.catch(() => {});
    waiters.push({ seq, promise, resolve, reject });
    worker.postMessage({ batch }, transferList);
    return promise;
  };

  let soon = false;
  const commitSoon = () => {
    if (soon) return;
    soon = true;
    setImmediate(() => {
      soon = false;
      void commit();
    });
  };

  return {
    existed,
    commitSoon,
    rows: (kind) => saved.text.get(kind) ?? [],
    byteSizes: (kind) => saved.byteSizes.get(kind) ?? [],
    readBytes: (kind, key) => bytes.read(kind, key),
    put: (kind, key, value) => {
      track(kind, key);
      ops.push([0, kind, key, value]);
    },
    putBytes: (kind, key, value) => {
      track(kind, key);
      // A copy of exactly these bytes (a Buffer may be a view into a larger pool), moved to the writer, not cloned. Not
      // zero-filled first: zeroing a fresh half-megabyte log file's worth costs ten times the copy.
      const copy = Buffer.allocUnsafeSlow(value.byteLength);
      copy.set(value);
      transfer.push(copy.buffer);
      ops.push([0, kind, key, copy]);
    },
    remove: (kind, key) => {
      track(kind, key);
      ops.push([1, kind, key]);
    },
    removePrefix: (kind, prefix) => ops.push([2, kind, prefix]),
    commit,
    watch: (kind) => watched.add(kind),
    pending: (kind, key) => {
      const at = inflight.get(rowKey(kind, key));
      if (at === undefined) return undefined;
      // Still in the buffer: send it now rather than wait for whoever wrote it to commit.
      if (at > seq) return commit();
      return waiters.find((w) => w.seq >= at)?.promise;
    },
    close: async () => {
      await commit()?.catch(() => {});
      shut = true;
      if (!broken) worker.postMessage({ close: true });
      await closed;
      bytes.close();
      saved.text.clear();
      saved.byteSizes.clear();
    },
  };
};

export type { Store };
export { openStore };
