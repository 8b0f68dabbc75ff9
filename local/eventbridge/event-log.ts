// The latest events a bus saw, for tests, the console and the soak's checks. Read-only CloudTrail management events
// (a GetSecretValue's, a DescribeSecret's) come by the thousand a second under load and say little: they are kept
// apart and fewer, so they neither push the other events out nor stay alive on the heap long enough to be promoted
// to its old generation by the hundred thousand (the major collections that set `smcp local`'s p99 under load).
import type { BusEvent } from './bus.ts';

/** How many events of each kind are kept at least (up to twice as many between trims). */
const KEPT_EVENTS = 10_000;
const KEPT_READ_EVENTS = 1_000;

const isReadOnlyManagement = (event: BusEvent) => {
  const detail = event.detail as { readOnly?: unknown; eventType?: unknown } | null | undefined;
  return detail?.eventType === 'AwsApiCall' && detail.readOnly === true;
};

/** One kind's ring: events with their sequence numbers, trimmed in chunks (not an array shift per event). */
class Ring {
  events: BusEvent[] = [];
  seqs: number[] = [];
  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  push(event: BusEvent, seq: number) {
    this.events.push(event);
    this.seqs.push(seq);
    if (this.events.length >= 2 * this.capacity) {
      this.events = this.events.slice(-this.capacity);
      this.seqs = this.seqs.slice(-this.capacity);
    }
  }

  /** The index of the first event with a sequence number above `seq`. */
  after(seq: number) {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.seqs[mid] ?? 0) <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

class EventLog {
  private readonly others = new Ring(KEPT_EVENTS);
  private readonly reads = new Ring(KEPT_READ_EVENTS);
  /** Events added so far (kept or not). */
  count = 0;

  add(event: BusEvent) {
    this.count++;
    (isReadOnlyManagement(event) ? this.reads : this.others).push(event, this.count);
  }

  /** The kept events added after the first `count`, oldest first, at most KEPT_EVENTS of them. */
  since(count: number): BusEvent[] {
    const out: BusEvent[] = [];
    let i = this.others.after(count);
    let j = this.reads.after(count);
    const { others, reads } = this;
    while (i < others.events.length || j < reads.events.length) {
      const takeOther =
        j >= reads.events.length || (i < others.events.length && (others.seqs[i] ?? 0) < (reads.seqs[j] ?? 0));
      out.push((takeOther ? others.events[i++] : reads.events[j++]) as BusEvent);
    }
    return out.length > KEPT_EVENTS ? out.slice(-KEPT_EVENTS) : out;
  }

  /** The latest kept events, oldest first. */
  recent(): BusEvent[] {
    return this.since(0);
  }
}

export { EventLog, isReadOnlyManagement, KEPT_EVENTS, KEPT_READ_EVENTS };
