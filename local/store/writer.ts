// The store's writer thread: owns the database connection, applies what the main thread sends and answers once it is
// on disk. Batches that arrive while one is being written are committed together (group commit): one transaction and
// one fsync for all of them.
import { parentPort, workerData } from 'node:worker_threads';
import { createApplier, type Op, openDatabase } from './database.ts';

interface Batch {
  readonly seq: number;
  readonly ops: readonly Op[];
}

type Message = { readonly batch: Batch } | { readonly close: true };

const port = parentPort;
if (!port) throw new Error('local/store/writer.ts runs as a worker thread');

const db = openDatabase((workerData as { file: string }).file);
const apply = createApplier(db);
let queued: Batch[] = [];
let scheduled = false;
let closing = false;

const commit = () => {
  scheduled = false;
  const batches = queued;
  queued = [];
  if (batches.length > 0) {
    const last = batches.at(-1)?.seq ?? 0;
    try {
      apply(batches.map((b) => b.ops));
      port.postMessage({ durable: last });
    } catch (error) {
      port.postMessage({ failed: last, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (closing) {
    db.close();
    port.postMessage({ closed: true });
    port.close();
  }
};

port.on('message', (message: Message) => {
  if ('close' in message) closing = true;
  else queued.push(message.batch);
  // Every message already delivered is in `queued` by the time the immediate runs.
  if (!scheduled) {
    scheduled = true;
    setImmediate(commit);
  }
});
