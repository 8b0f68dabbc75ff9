// The bus's deliveries made durable: each delivery a routed event owes a rule's target is a row in the store from the
// moment the event is routed until the target has it (or its dead-letter queue does). PutEvents answers once its
// rows are on disk, and a restart delivers again whatever was still owed — at-least-once, as EventBridge; the
// targets are idempotent (dispatch names executions after event ids, ingest-reads counts each event id once).
import type { DeliveryJournal, OwedDelivery } from '../eventbridge/bus.ts';
import type { EventBuses } from '../eventbridge/buses.ts';
import type { JsonService, OperationHandler } from '../protocol.ts';
import type { Store } from '../store/index.ts';

const KIND = 'eventbridge.delivery';

// Zero-padded: the store's key order is the order the deliveries were owed in.
const keyOf = (seq: number) => String(seq).padStart(12, '0');

const createDeliveryJournal = () => {
  let store: Store | undefined;
  let bus: EventBuses | undefined;
  let seq = 0;
  let inCall = false;
  let owedInCall = 0;
  /**
   * Owed, not yet handed to the store. A delivery to a queue is over within the turn it was owed in (a read's
   * CloudTrail event into the read pipeline's queue): settled before it is written, it costs no row at all. What is
   * still owed at the end of the turn is written then; PutEvents writes what it owes before it answers.
   */
  const unwritten = new Map<string, OwedDelivery>();
  let flushing = false;

  const flush = () => {
    if (!store) return;
    for (const [id, delivery] of unwritten) store.put(KIND, id, JSON.stringify(delivery));
    unwritten.clear();
  };

  const flushSoon = () => {
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      flush();
      void store?.commit();
    });
  };

  const journal: DeliveryJournal = {
    owe: (delivery) => {
      seq += 1;
      const id = keyOf(seq);
      if (!store) return id;
      unwritten.set(id, delivery);
      if (inCall) owedInCall++;
      else flushSoon();
      return id;
    },
    settle: (id) => {
      if (!store || unwritten.delete(id)) return;
      store.remove(KIND, id);
      store.commitSoon();
    },
  };

  return {
    journal,
    /** The bus, once it exists: deliveries owed by the last run go to it when the store attaches. */
    bind: (eventBus: EventBuses) => {
      bus = eventBus;
    },
    /** Brings back the deliveries the last run still owed and delivers them again. */
    attachStore: (attached: Store) => {
      store = attached;
      const owed = attached.rows(KIND).map(([id, value]) => ({ ...(JSON.parse(value) as OwedDelivery), id }));
      for (const { id } of owed) seq = Math.max(seq, Number(id));
      bus?.redeliver(owed);
      return undefined;
    },
    restore: () => {},
    flush,
    /** PutEvents answers once the deliveries it owes are on disk. */
    durable: (service: JsonService): JsonService => ({
      ...service,
      operations: Object.fromEntries(
        Object.entries(service.operations).map(([name, run]): [string, OperationHandler] => [
          name,
          async (input, ctx) => {
            // Routing happens within the call itself: what it owes is counted until it returns.
            inCall = true;
            owedInCall = 0;
            let output: unknown;
            try {
              output = run(input, ctx);
            } finally {
              inCall = false;
            }
            if (owedInCall > 0) {
              flush();
              await store?.commit();
            }
            return await output;
          },
        ]),
      ),
    }),
  };
};

export { createDeliveryJournal };
