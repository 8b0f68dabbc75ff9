// A binary min-heap of slots (the small integers that name a queue's messages, table.ts), in an order the table
// gives, that knows where each slot sits: a slot is pushed, popped, taken out from the middle or moved after its key
// changed in O(log n). Slots and positions are Int32Arrays: two objects for the garbage collector, whatever the heap
// holds. (The heaps on npm hold objects and cannot take one out from the middle, which DeleteMessage,
// ChangeMessageVisibility and retention all need.)

const ABSENT = -1;

/** `before(a, b)`: whether slot a comes out before slot b (a strict order: ties are the caller's to break). */
const createSlotHeap = (before: (a: number, b: number) => boolean) => {
  let slots = new Int32Array(16);
  /** slot → its index in `slots`, or ABSENT. */
  let positions = new Int32Array(16).fill(ABSENT);
  let size = 0;

  const place = (slot: number, at: number) => {
    slots[at] = slot;
    positions[slot] = at;
  };

  /** Moves the slot at `at` towards the root while it comes before its parent; whether it moved. */
  const up = (at: number): boolean => {
    const slot = slots[at] as number;
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = slots[parent] as number;
      if (!before(slot, above)) break;
      place(above, i);
      i = parent;
    }
    if (i === at) return false;
    place(slot, i);
    return true;
  };

  const down = (at: number) => {
    const slot = slots[at] as number;
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && before(slots[right] as number, slots[left] as number) ? right : left;
      const below = slots[child] as number;
      if (!before(below, slot)) break;
      place(below, i);
      i = child;
    }
    if (i !== at) place(slot, i);
  };

  const reorder = (at: number) => {
    if (!up(at)) down(at);
  };

  const remove = (slot: number): boolean => {
    const at = positions[slot] ?? ABSENT;
    if (at === ABSENT) return false;
    positions[slot] = ABSENT;
    size--;
    if (at === size) return true;
    place(slots[size] as number, at);
    reorder(at);
    return true;
  };

  return {
    size: () => size,
    /** Room for slots 0 … capacity - 1. */
    grow: (capacity: number) => {
      if (capacity <= positions.length) return;
      const more = new Int32Array(capacity).fill(ABSENT);
      more.set(positions);
      positions = more;
    },
    has: (slot: number) => (positions[slot] ?? ABSENT) !== ABSENT,
    /** The first slot, or ABSENT when empty. */
    peek: () => (size === 0 ? ABSENT : (slots[0] as number)),
    push: (slot: number) => {
      if (size === slots.length) {
        const more = new Int32Array(slots.length * 2);
        more.set(slots);
        slots = more;
      }
      place(slot, size);
      size++;
      up(size - 1);
    },
    /** Takes the first slot out; ABSENT when empty. */
    pop: (): number => {
      if (size === 0) return ABSENT;
      const first = slots[0] as number;
      remove(first);
      return first;
    },
    /** Takes `slot` out wherever it is; false when it was not in the heap. */
    remove,
    /** Puts `slot` back in order after its key changed. */
    update: (slot: number) => {
      const at = positions[slot] ?? ABSENT;
      if (at !== ABSENT) reorder(at);
    },
    forEach: (visit: (slot: number) => void) => {
      for (let i = 0; i < size; i++) visit(slots[i] as number);
    },
    /** Empties the heap and gives back its memory. */
    reset: () => {
      slots = new Int32Array(16);
      positions = new Int32Array(16).fill(ABSENT);
      size = 0;
    },
  };
};

type SlotHeap = ReturnType<typeof createSlotHeap>;

export type { SlotHeap };
export { ABSENT, createSlotHeap };
