// Write-through of the SQS emulator's state to the local cloud's store, message by message: a queue is one row (its
// record without the messages), a message one row written when it joins a queue (the whole message, in send order),
// and its receive state (visibility, receive count, receipt handle) a small row of its own, so receiving a batch of
// thousands rewrites a few bytes per message instead of every body.
import type { Store } from '../store/index.ts';
import type { Core, SqsChanges } from './core.ts';
import type { QueueRecord, SqsState, StoredMessage } from './state.ts';

const QUEUE = 'sqs.queue';
const MESSAGE = 'sqs.message';
const DELIVERY = 'sqs.delivery';

interface MessageRow {
  /** Send order across restarts. */
  readonly seq: number;
  readonly message: StoredMessage;
}

type Delivery = Pick<StoredMessage, 'visibleAt' | 'receiveCount' | 'firstReceiveAt' | 'receiptHandle'>;

const messageKey = (queue: string, messageId: string) => `${queue}\u0000${messageId}`;
const queueOfKey = (key: string) => key.slice(0, key.indexOf('\u0000'));

const queueRow = ({ messages: _messages, ...rest }: QueueRecord) => rest;

const deliveryOf = (m: StoredMessage): Delivery => ({
  visibleAt: m.visibleAt,
  receiveCount: m.receiveCount,
  ...(m.firstReceiveAt !== undefined ? { firstReceiveAt: m.firstReceiveAt } : {}),
  ...(m.receiptHandle !== undefined ? { receiptHandle: m.receiptHandle } : {}),
});

const createSqsPersistence = (core: Core, store: Store) => {
  let seq = 0;
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
    sent: (queue, message) => {
      seq += 1;
      store.put(MESSAGE, messageKey(queue.name, message.messageId), JSON.stringify({ seq, message }));
      touched();
    },
    delivered: (queue, message) => {
      store.put(DELIVERY, messageKey(queue.name, message.messageId), JSON.stringify(deliveryOf(message)));
      touched();
    },
    removed: (queue, messages) => {
      for (const m of messages) {
        const key = messageKey(queue.name, m.messageId);
        store.remove(MESSAGE, key);
        store.remove(DELIVERY, key);
      }
      if (messages.length > 0) touched();
    },
  };

  /** Everything in memory, written afresh (after a restore from a snapshot). */
  const rewrite = () => {
    store.removePrefix(QUEUE, '');
    store.removePrefix(MESSAGE, '');
    store.removePrefix(DELIVERY, '');
    for (const queue of Object.values(core.state.queues)) {
      changes.queue(queue);
      for (const m of queue.messages) {
        changes.sent(queue, m);
        if (m.receiveCount > 0) changes.delivered(queue, m);
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
      for (const [name, value] of queueRows) queues[name] = { ...(JSON.parse(value) as QueueRecord), messages: [] };
      const deliveries = new Map(store.rows(DELIVERY).map(([key, value]) => [key, JSON.parse(value) as Delivery]));
      const rows: (MessageRow & { queue: string; key: string })[] = store
        .rows(MESSAGE)
        .map(([key, value]) => ({ ...(JSON.parse(value) as MessageRow), queue: queueOfKey(key), key }));
      rows.sort((a, b) => a.seq - b.seq);
      for (const row of rows) {
        seq = Math.max(seq, row.seq);
        const queue = queues[row.queue];
        if (!queue) continue;
        queue.messages.push({ ...row.message, ...deliveries.get(row.key) });
      }
      return queues;
    },
    /** Writes what is in memory and not in the store yet (queues the stack declared for the first time). */
    adopt: (saved: ReadonlySet<string>) => {
      for (const queue of Object.values(core.state.queues)) {
        if (saved.has(queue.name)) continue;
        changes.queue(queue);
        for (const m of queue.messages) changes.sent(queue, m);
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
