// The SQS emulator's slot heap (local/sqs/heap.ts) against the obvious model: a list kept sorted by key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ABSENT, createSlotHeap } from '../../local/sqs/heap.ts';

type Op =
  | { readonly op: 'push'; readonly slot: number; readonly key: number }
  | { readonly op: 'pop' }
  | { readonly op: 'remove'; readonly slot: number }
  | { readonly op: 'rekey'; readonly slot: number; readonly key: number };

const SLOTS = 64;
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('push' as const), slot: fc.nat(SLOTS - 1), key: fc.nat(20) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('pop' as const) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), slot: fc.nat(SLOTS - 1) }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('rekey' as const), slot: fc.nat(SLOTS - 1), key: fc.nat(20) }),
    },
  ),
  { maxLength: 300 },
);

describe('sqs slot heap (property)', () => {
  it('takes slots out in key order (ties by slot), wherever they were pushed, removed or re-keyed', () => {
    fc.assert(
      fc.property(ops, (sequence) => {
        const keys = new Float64Array(SLOTS);
        const heap = createSlotHeap((a, b) => {
          const x = keys[a] as number;
          const y = keys[b] as number;
          return x < y || (x === y && a < b);
        });
        // Positions for every slot (the table grows them with its capacity); the heap's own array grows by itself.
        heap.grow(SLOTS);
        const model = new Set<number>();
        const first = () => [...model].sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b)[0] ?? ABSENT;
        for (const step of sequence) {
          if (step.op === 'push') {
            if (model.has(step.slot)) continue;
            keys[step.slot] = step.key;
            heap.push(step.slot);
            model.add(step.slot);
          } else if (step.op === 'pop') {
            const expected = first();
            expect(heap.pop()).toBe(expected);
            model.delete(expected);
          } else if (step.op === 'remove') {
            expect(heap.remove(step.slot)).toBe(model.delete(step.slot));
          } else {
            if (!model.has(step.slot)) continue;
            keys[step.slot] = step.key;
            heap.update(step.slot);
          }
          expect(heap.size()).toBe(model.size);
          expect(heap.peek()).toBe(first());
          for (let slot = 0; slot < SLOTS; slot++) expect(heap.has(slot)).toBe(model.has(slot));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('grows past its first arrays and empties on reset', () => {
    const heap = createSlotHeap((a, b) => a > b);
    heap.grow(1000);
    for (let slot = 0; slot < 1000; slot++) heap.push(slot);
    const out: number[] = [];
    for (let i = 0; i < 3; i++) out.push(heap.pop());
    heap.reset();

    expect(out).toEqual([999, 998, 997]);
    expect([heap.size(), heap.peek(), heap.has(5)]).toEqual([0, ABSENT, false]);
  });
});
