// The latest events a bus saw, for tests, the console and looking back at a local run. Under load nearly every event
// is a read's CloudTrail record (a read-only management API call), thousands a second; kept as objects, each is some
// forty of them on the endpoint's heap, copied by every young-generation collection until it is promoted, and the
// collections grow with them (docs/benchmarks.md). Such an event is kept as its JSON text instead, in memory the
// collector does not see, and parsed back when asked for.
import type { EventBridgeEvent as BusEvent } from './event.ts';

/** Whether an event is a read-only CloudTrail management call (the bus routes those apart too). */
const isReadOnlyCall = (event: BusEvent): boolean => {
  const detail = event.detail as { readOnly?: unknown; eventType?: unknown } | null | undefined;
  return detail?.eventType === 'AwsApiCall' && detail.readOnly === true;
};

// The last detail serialised: the buses' log (in the event's text) and the trail each want the same read's detail
// within one publish, and serialise it once between them.
let lastDetail: unknown;
let lastDetailText = '';

/** JSON.stringify(detail), computed once for the same detail object in a row. */
const detailText = (detail: unknown): string => {
  if (detail !== lastDetail || lastDetail === undefined) {
    lastDetailText = JSON.stringify(detail);
    lastDetail = detail;
  }
  return lastDetailText;
};

type Pieces = readonly [string, string, string, string];

/**
 * The event's JSON text, its detail last, in pieces: written one after the other they are the text, so the text is
 * never concatenated (and flattened, a copy of it on the heap) only to be copied once more into a chunk.
 */
const eventPieces = (event: BusEvent): Pieces => {
  const { detail, ...envelope } = event;
  const head = JSON.stringify(envelope);
  if (detail === undefined) return [head, '', '', ''];
  return [head.slice(0, -1), head === '{}' ? '"detail":' : ',"detail":', detailText(detail), '}'];
};

// Texts are written into 1 MiB chunks of memory outside the JavaScript heap, reused in a ring: the collector never
// copies or marks them. A text that does not fit in what is left of a chunk starts the next one.
const CHUNK_BYTES = 1024 * 1024;

/**
 * The latest `limit` events (none for 0), in order. Read-only calls are kept as text in at most `ringBytes` (rounded
 * up to whole chunks; 32 MiB unless given, the text of some 20,000 reads): one whose bytes were written over since is
 * no longer kept. Chunks are allocated as the ring first reaches them.
 */
const createRecentEvents = (limit: number, ringBytes = 32 * CHUNK_BYTES) => {
  const chunkCount = Math.max(1, Math.ceil(ringBytes / CHUNK_BYTES));
  const capacity = chunkCount * CHUNK_BYTES;
  const chunks: (Buffer | undefined)[] = new Array(chunkCount);
  // Where each text is: its position in the ring's unbounded byte stream and its length, by slot. Entries name slots;
  // at most 2 × limit entries exist, so a slot is never reused while an entry names it.
  const slots = 2 * limit + 1;
  const positions = new Float64Array(slots);
  const lengths = new Int32Array(slots);
  let nextSlot = 0;
  let head = 0;
  let entries: (BusEvent | string | number)[] = [];

  /** Writes a text (its pieces in order) into the ring; returns its slot, or undefined when too long for a chunk. */
  const store = ([a, b, c, d]: Pieces): number | undefined => {
    const length = Buffer.byteLength(a) + Buffer.byteLength(b) + Buffer.byteLength(c) + d.length;
    if (length > CHUNK_BYTES) return undefined;
    if ((head % CHUNK_BYTES) + length > CHUNK_BYTES) head = Math.ceil(head / CHUNK_BYTES) * CHUNK_BYTES;
    const index = Math.floor(head / CHUNK_BYTES) % chunkCount;
    const chunk = chunks[index] ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    chunks[index] = chunk;
    let at = head % CHUNK_BYTES;
    at += chunk.write(a, at, 'utf8');
    at += chunk.write(b, at, 'utf8');
    at += chunk.write(c, at, 'utf8');
    chunk.write(d, at, 'utf8');
    const slot = nextSlot;
    nextSlot = (nextSlot + 1) % slots;
    positions[slot] = head;
    lengths[slot] = length;
    head += length;
    return slot;
  };

  /** The text a slot names, if its bytes are still there. */
  const load = (slot: number): string | undefined => {
    const position = positions[slot] as number;
    if (position < head - capacity) return undefined;
    const offset = position % CHUNK_BYTES;
    const chunk = chunks[Math.floor(position / CHUNK_BYTES) % chunkCount] as Buffer;
    return chunk.toString('utf8', offset, offset + (lengths[slot] as number));
  };

  const revive = (entry: BusEvent | string | number): BusEvent | undefined => {
    if (typeof entry === 'object') return entry;
    const text = typeof entry === 'number' ? load(entry) : entry;
    return text === undefined ? undefined : (JSON.parse(text) as BusEvent);
  };

  return {
    add: (event: BusEvent): void => {
      if (limit <= 0) return;
      let entry: BusEvent | string | number = event;
      if (isReadOnlyCall(event)) {
        try {
          const pieces = eventPieces(event);
          entry = store(pieces) ?? pieces.join('');
        } catch {
          // What JSON cannot hold (only an in-process caller could hand it over) stays an object.
        }
      }
      entries.push(entry);
      // Trimmed in chunks, not per event: dropping the oldest one at a time would shift the whole array every time.
      if (entries.length >= 2 * limit) entries = entries.slice(-limit);
    },
    /** The latest `count` events (at most `limit`) still kept, oldest first. */
    latest: (count = limit): BusEvent[] => {
      if (count <= 0) return [];
      const out: BusEvent[] = [];
      for (const entry of entries.slice(-Math.min(count, limit))) {
        const event = revive(entry);
        if (event) out.push(event);
      }
      return out;
    },
  };
};

type RecentEvents = ReturnType<typeof createRecentEvents>;

export type { RecentEvents };
export { createRecentEvents, detailText, isReadOnlyCall };
