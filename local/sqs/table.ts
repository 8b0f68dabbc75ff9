// A queue's messages as a table: each message a slot, its fields in parallel arrays (strings in plain arrays, numbers
// in typed arrays), and three heaps of slots over them:
//
// - ready:  receivable now, in send order (what a receive takes from);
// - hidden: delayed or in flight, by the instant it becomes receivable (moved to ready once the clock passes it);
// - age:    every message, oldest sent first (retention drops from its front).
//
// So a receive, a delete or a visibility change costs O(log n) whatever the backlog, instead of a walk over it, and
// a waiting message is two objects on the heap, its id and its body (an object per message would add itself and a
// box for every timestamp it holds): a backlog of 100,000 costs the garbage collector little more than its strings.
// The body's MD5 is computed when first needed (a receive, or a SendMessage answer) and kept.

import { ABSENT, createSlotHeap } from './heap.ts';
import { md5Hex } from './md5.ts';
import type { MessageAttribute, StoredMessage } from './state.ts';

const LOCAL_SENDER = 'AIDAAAAAAAAAAAAAAAAAA';
const NO_ATTRIBUTES: Readonly<Record<string, MessageAttribute>> = Object.freeze({});
const INITIAL_CAPACITY = 16;

/** A message as a receive hands it out: a copy of its slot's fields at that moment. */
interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttribute>>;
  readonly senderId: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  readonly firstReceiveAt: number;
  readonly receiptHandle: string;
  readonly deadLetterQueueSourceArn: string | undefined;
}

/** A message's receive state, as the store keeps it apart from the message (persist.ts). */
interface Delivery {
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceiveAt?: number;
  readonly receiptHandle?: string;
}

const grown = <T extends Float64Array | Int32Array>(array: T, capacity: number): T => {
  const more = new (array.constructor as new (n: number) => T)(capacity);
  more.set(array);
  return more;
};

const createMessageTable = () => {
  let capacity = INITIAL_CAPACITY;
  // Slots ever used; freed ones are reused first.
  let used = 0;
  let free: number[] = [];
  let ids: (string | undefined)[] = [];
  let bodies: (string | undefined)[] = [];
  let md5s: (string | undefined)[] = [];
  let attributes: (Readonly<Record<string, MessageAttribute>> | undefined)[] = [];
  let senders: (string | undefined)[] = [];
  let handles: (string | undefined)[] = [];
  let deadFrom: (string | undefined)[] = [];
  let seqs = new Float64Array(capacity);
  let sentAts = new Float64Array(capacity);
  let visibleAts = new Float64Array(capacity);
  // NaN: never received.
  let firstReceiveAts = new Float64Array(capacity);
  let receiveCounts = new Int32Array(capacity);
  let slotById = new Map<string, number>();

  const ready = createSlotHeap((a, b) => (seqs[a] as number) < (seqs[b] as number));
  const hidden = createSlotHeap((a, b) => {
    const x = visibleAts[a] as number;
    const y = visibleAts[b] as number;
    return x < y || (x === y && (seqs[a] as number) < (seqs[b] as number));
  });
  const age = createSlotHeap((a, b) => {
    const x = sentAts[a] as number;
    const y = sentAts[b] as number;
    return x < y || (x === y && (seqs[a] as number) < (seqs[b] as number));
  });

  const allocate = (): number => {
    const reused = free.pop();
    if (reused !== undefined) return reused;
    if (used === capacity) {
      capacity *= 2;
      seqs = grown(seqs, capacity);
      sentAts = grown(sentAts, capacity);
      visibleAts = grown(visibleAts, capacity);
      firstReceiveAts = grown(firstReceiveAts, capacity);
      receiveCounts = grown(receiveCounts, capacity);
      ready.grow(capacity);
      hidden.grow(capacity);
      age.grow(capacity);
    }
    ids.push(undefined);
    bodies.push(undefined);
    md5s.push(undefined);
    attributes.push(undefined);
    senders.push(undefined);
    handles.push(undefined);
    deadFrom.push(undefined);
    return used++;
  };

  /** Everything back to an empty table of the initial size (the arrays only ever grow otherwise). */
  const reset = () => {
    capacity = INITIAL_CAPACITY;
    used = 0;
    free = [];
    ids = [];
    bodies = [];
    md5s = [];
    attributes = [];
    senders = [];
    handles = [];
    deadFrom = [];
    seqs = new Float64Array(capacity);
    sentAts = new Float64Array(capacity);
    visibleAts = new Float64Array(capacity);
    firstReceiveAts = new Float64Array(capacity);
    receiveCounts = new Int32Array(capacity);
    slotById = new Map();
    ready.reset();
    hidden.reset();
    age.reset();
  };

  /** Moves `slot` to the hidden heap (from ready, or wherever it is) with a new visibleAt. */
  const hide = (slot: number, visibleAt: number) => {
    visibleAts[slot] = visibleAt;
    if (hidden.has(slot)) {
      hidden.update(slot);
      return;
    }
    ready.remove(slot);
    hidden.push(slot);
  };

  const md5Of = (slot: number): string => {
    let md5 = md5s[slot];
    if (md5 === undefined) {
      md5 = md5Hex(bodies[slot] ?? '');
      md5s[slot] = md5;
    }
    return md5;
  };

  const idOf = (slot: number) => ids[slot] ?? '';

  return {
    size: () => slotById.size,
    /**
     * Adds a message in its receive state (receivable now when its visibleAt is not after `now`); `seq` orders it
     * among the queue's messages. Returns its slot.
     */
    add: (message: StoredMessage, seq: number, now: number): number => {
      const slot = allocate();
      ids[slot] = message.messageId;
      bodies[slot] = message.body;
      md5s[slot] = message.md5OfBody;
      attributes[slot] =
        message.messageAttributes && Object.keys(message.messageAttributes).length > 0
          ? message.messageAttributes
          : undefined;
      // One string for every message the local cloud sent, not a copy per message read back from the store.
      senders[slot] = message.senderId === LOCAL_SENDER ? LOCAL_SENDER : message.senderId;
      handles[slot] = message.receiptHandle;
      deadFrom[slot] = message.deadLetterQueueSourceArn;
      seqs[slot] = seq;
      sentAts[slot] = message.sentAt;
      visibleAts[slot] = message.visibleAt;
      firstReceiveAts[slot] = message.firstReceiveAt ?? Number.NaN;
      receiveCounts[slot] = message.receiveCount;
      slotById.set(message.messageId, slot);
      age.push(slot);
      if (message.visibleAt <= now) ready.push(slot);
      else hidden.push(slot);
      return slot;
    },
    /** The slot of a message by its id, or ABSENT. */
    slotOf: (messageId: string): number => slotById.get(messageId) ?? ABSENT,
    /** Takes a message out of the table; returns its id. */
    remove: (slot: number): string => {
      const id = idOf(slot);
      ready.remove(slot);
      hidden.remove(slot);
      age.remove(slot);
      slotById.delete(id);
      if (slotById.size === 0) {
        reset();
        return id;
      }
      ids[slot] = undefined;
      bodies[slot] = undefined;
      md5s[slot] = undefined;
      attributes[slot] = undefined;
      senders[slot] = undefined;
      handles[slot] = undefined;
      deadFrom[slot] = undefined;
      free.push(slot);
      return id;
    },
    /** Every id, then an empty table (PurgeQueue). */
    clear: (): string[] => {
      const all = [...slotById.keys()];
      reset();
      return all;
    },
    /** Makes receivable what the clock has reached: delays and visibility timeouts that ended at or before `now`. */
    promote: (now: number) => {
      for (let slot = hidden.peek(); slot !== ABSENT && (visibleAts[slot] as number) <= now; slot = hidden.peek()) {
        hidden.pop();
        ready.push(slot);
      }
    },
    /** The receivable message sent first (promote() first), or ABSENT; it stays receivable until hidden or removed. */
    firstReady: (): number => ready.peek(),
    readyCount: () => ready.size(),
    /** The message sent longest ago, or ABSENT (retention). */
    oldest: (): number => age.peek(),
    /** When the next hidden message becomes receivable; Infinity when none is hidden. */
    nextVisibleAt: (): number => {
      const slot = hidden.peek();
      return slot === ABSENT ? Number.POSITIVE_INFINITY : (visibleAts[slot] as number);
    },
    /** The hidden messages that were received (in flight) and those never received yet (delayed). */
    hiddenCounts: () => {
      let inFlight = 0;
      hidden.forEach((slot) => {
        if ((receiveCounts[slot] as number) > 0) inFlight++;
      });
      return { inFlight, delayed: hidden.size() - inFlight };
    },
    /** Receives the message: a receive more, hidden until `visibleAt`, under a new receipt handle. */
    receive: (slot: number, at: number, visibleAt: number, receiptHandle: string): ReceivedMessage => {
      receiveCounts[slot] = (receiveCounts[slot] as number) + 1;
      if (Number.isNaN(firstReceiveAts[slot])) firstReceiveAts[slot] = at;
      handles[slot] = receiptHandle;
      hide(slot, visibleAt);
      return {
        messageId: idOf(slot),
        body: bodies[slot] ?? '',
        md5OfBody: md5Of(slot),
        messageAttributes: attributes[slot] ?? NO_ATTRIBUTES,
        senderId: senders[slot] ?? LOCAL_SENDER,
        sentAt: sentAts[slot] as number,
        receiveCount: receiveCounts[slot] as number,
        firstReceiveAt: firstReceiveAts[slot] as number,
        receiptHandle,
        deadLetterQueueSourceArn: deadFrom[slot],
      };
    },
    /** Hides the message until `visibleAt` (ChangeMessageVisibility). */
    hide,
    id: idOf,
    md5: md5Of,
    sentAt: (slot: number) => sentAts[slot] as number,
    visibleAt: (slot: number) => visibleAts[slot] as number,
    receiveCount: (slot: number) => receiveCounts[slot] as number,
    delivery: (slot: number): Delivery => {
      const first = firstReceiveAts[slot] as number;
      const handle = handles[slot];
      return {
        visibleAt: visibleAts[slot] as number,
        receiveCount: receiveCounts[slot] as number,
        ...(Number.isNaN(first) ? {} : { firstReceiveAt: first }),
        ...(handle === undefined ? {} : { receiptHandle: handle }),
      };
    },
    /** The message as plain JSON (the store's row, a snapshot), receive state included. */
    stored: (slot: number): StoredMessage => {
      const first = firstReceiveAts[slot] as number;
      const handle = handles[slot];
      const md5 = md5s[slot];
      const dead = deadFrom[slot];
      return {
        messageId: idOf(slot),
        body: bodies[slot] ?? '',
        ...(md5 === undefined ? {} : { md5OfBody: md5 }),
        messageAttributes: attributes[slot] ?? {},
        senderId: senders[slot] ?? LOCAL_SENDER,
        sentAt: sentAts[slot] as number,
        visibleAt: visibleAts[slot] as number,
        receiveCount: receiveCounts[slot] as number,
        ...(Number.isNaN(first) ? {} : { firstReceiveAt: first }),
        ...(handle === undefined ? {} : { receiptHandle: handle }),
        ...(dead === undefined ? {} : { deadLetterQueueSourceArn: dead }),
      };
    },
    seq: (slot: number) => seqs[slot] as number,
    /** Every slot, in send order. */
    slots: (): number[] => [...slotById.values()].sort((a, b) => (seqs[a] as number) - (seqs[b] as number)),
  };
};

type MessageTable = ReturnType<typeof createMessageTable>;

export type { Delivery, MessageTable, ReceivedMessage };
export { ABSENT, createMessageTable, LOCAL_SENDER };
