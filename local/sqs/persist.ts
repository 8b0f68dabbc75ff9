// Write-through of the SQS emulator's state to the local cloud's store, message by message: a queue is one row (its
// record without the messages), a message one row written when it joins a queue (the whole message, in send order),
// and its receive state (visibility, receive count, receipt handle) a small row of its own, so receiving a batch of
// thousands rewrites a few bytes per message instead of every body.
import type { Store } from '../store/index.ts';
import { type Core, nowMs, type SqsChanges } from './core.ts';
import type { QueueFields, QueueRecord, SqsState, StoredMessage } from './state.ts';
import { createMessageTable, type Delivery } from './table.ts';

const QUEUE = 'sqs.queue';
const MESSAGE = 'sqs.message';
const DELIVERY = 'sqs.delivery';

interface MessageRow {
  /** Send order across restarts. */
  readonly seq: number;
  readonly message: StoredMessage;
}

const messageKey = (queue: string, messageId: string) => `${queue}\u0000${messageId}`;
const queueOfKey = (key: string) => key.slice(0, key.indexOf('\u0000'));

const queueRow = ({ messages: _messages, ...rest }: QueueRecord): QueueFields => rest;

const createSqsPersistence = (core: Core, store: Store) => {
  let inCall = false;
  let wrote = 0;

  const touched = () => {
    wrote++;
    if (!inCall) store.commitSoon();
  };

  const changes: SqsChanges = {
    queue: (queue) => {
      store.put(QUEUE, queue.name, JSON.stringify(queueRow(queue)));
      touched();
    },
    queueRemoved: (name) => {
      store.remove(QUEUE, name);
      store.removePrefix(MESSAGE, `${name}\u0000`);
      store.removePrefix(DELIVERY, `${name}\u0000`);
      touched();
    },
    sent: (queue, slot) => {
      const table = queue.messages;
      const row: MessageRow = { seq: table.seq(slot), message: table.stored(slot) };
      store.put(MESSAGE, messageKey(queue.name, table.id(slot)), JSON.stringify(row));
      touched();
    },
    delivered: (queue, slot) => {
      const table = queue.messages;
      store.put(DELIVERY, messageKey(queue.name, table.id(slot)), JSON.stringify(table.delivery(slot)));
      touched();
    },
    removed: (queue, messageIds) => {
      for (const id of messageIds) {
        const key = messageKey(queue.name, id);
        store.remove(MESSAGE, key);
        store.remove(DELIVERY, key);
      }
      if (messageIds.length > 0) touched();
    },
  };

  /** Everything in memory, written afresh (after a restore from a snapshot). */
  const rewrite = () => {
    store.removePrefix(QUEUE, '');
    store.removePrefix(MESSAGE, '');
    store.removePrefix(DELIVERY, '');
    for (const queue of Object.values(core.state.queues)) {
      changes.queue(queue);
      for (const slot of queue.messages.slots()) {
        changes.sent(queue, slot);
        if (queue.messages.receiveCount(slot) > 0) changes.delivered(queue, slot);
      }
    }
  };

  return {
    changes,
    /** The queues the last run left (each with its messages in send order), or undefined when it left none. */
    load: (): SqsState['queues'] | undefined => {
      const queueRows = store.rows(QUEUE);
      if (queueRows.length === 0) return undefined;
      const queues: SqsState['queues'] = {};
      for (const [name, value] of queueRows) {
        queues[name] = { ...(JSON.parse(value) as QueueFields), messages: createMessageTable() };
      }
      const deliveries = new Map(store.rows(DELIVERY).map(([key, value]) => [key, JSON.parse(value) as Delivery]));
      const now = nowMs(core);
      for (const [key, value] of store.rows(MESSAGE)) {
        const row = JSON.parse(value) as MessageRow;
        core.seq = Math.max(core.seq, row.seq);
        // The table orders by seq whatever order the rows come in.
        queues[queueOfKey(key)]?.messages.add({ ...row.message, ...deliveries.get(key) }, row.seq, now);
      }
      return queues;
    },
    /** Writes what is in memory and not in the store yet (queues the stack declared for the first time). */
    adopt: (saved: ReadonlySet<string>) => {
      for (const queue of Object.values(core.state.queues)) {
        if (saved.has(queue.name)) continue;
        changes.queue(queue);
        for (const slot of queue.messages.slots()) {
          changes.sent(queue, slot);
          if (queue.messages.receiveCount(slot) > 0) changes.delivered(queue, slot);
        }
      }
      return store.commit();
    },
    rewrite: () => {
      rewrite();
      return store.commit();
    },
    beginCall: () => {
      inCall = true;
      wrote = 0;
    },
    /** The promise of what the call changed being on disk, or undefined when it changed nothing. */
    endCall: (): Promise<void> | undefined => {
      inCall = false;
      if (wrote === 0) return undefined;
      wrote = 0;
      return store.commit();
    },
  };
};

type SqsPersistence = ReturnType<typeof createSqsPersistence>;

export type { SqsPersistence };
export { createSqsPersistence };
