// The SQS emulator's messages (local/sqs/messages.ts over table.ts, heaps instead of walks over the backlog) against a
// model written the obvious way — every message in one list in send order, every operation a walk over it, as the
// emulator itself was written before — under random sequences of sends (with delays), receives (with visibility
// timeouts), deletes, visibility changes, purges, clock moves, retention, redrive to the dead-letter queue and restarts
// from the store the emulator writes through. Every answer must be the model's.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { createSqs, type SqsEmulator } from '../../local/sqs/index.ts';
import type { Store } from '../../local/store/index.ts';

const START = Date.parse('2025-03-19T10:00:00.000Z');
const ARN = 'arn:aws:sqs:us-east-1:000000000000:';
const URL = 'http://127.0.0.1:4566/000000000000/';
// The dead-letter queue first: a redrive policy must name a queue that exists.
const QUEUES = {
  'reads-dlq': { VisibilityTimeout: '5', MessageRetentionPeriod: '90' },
  reads: {
    VisibilityTimeout: '10',
    MessageRetentionPeriod: '60',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${ARN}reads-dlq`, maxReceiveCount: 2 }),
  },
} as const;
type QueueName = keyof typeof QUEUES;
const NAMES = Object.keys(QUEUES) as QueueName[];

/** A store that keeps its rows in memory, so a "restart" can read back what the last emulator wrote. */
const memoryStore = (): Store => {
  const rows = new Map<string, Map<string, string>>();
  const kind = (name: string) => rows.get(name) ?? rows.set(name, new Map()).get(name) ?? new Map<string, string>();
  return {
    rows: (name) => [...kind(name)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    byteSizes: () => [],
    readBytes: () => undefined,
    putBytes: () => {
      throw new Error('this emulator writes no byte rows');
    },
    existed: true,
    put: (name, key, value) => void kind(name).set(key, value),
    remove: (name, key) => void kind(name).delete(key),
    removePrefix: (name, prefix) => {
      for (const key of [...kind(name).keys()]) if (key.startsWith(prefix)) kind(name).delete(key);
    },
    commit: () => undefined,
    commitSoon: () => {},
    pending: () => undefined,
    watch: () => {},
    close: async () => {},
  };
};

interface ModelMessage {
  readonly body: string;
  readonly sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  deadFrom?: string;
}

/** SQS as the emulator was written before: one list per queue, walked by every operation. */
const createModel = () => {
  const queues: Record<QueueName, { messages: ModelMessage[]; lastPurgeAt?: number }> = {
    reads: { messages: [] },
    'reads-dlq': { messages: [] },
  };
  const expire = (name: QueueName, now: number) => {
    const oldest = now - Number(QUEUES[name].MessageRetentionPeriod) * 1000;
    queues[name].messages = queues[name].messages.filter((m) => m.sentAt > oldest);
  };
  const find = (name: QueueName, body: string) => queues[name].messages.find((m) => m.body === body);
  return {
    send: (name: QueueName, body: string, now: number, delaySeconds: number) => {
      queues[name].messages.push({ body, sentAt: now, visibleAt: now + delaySeconds * 1000, receiveCount: 0 });
    },
    receive: (name: QueueName, now: number, max: number, visibility?: number) => {
      expire(name, now);
      const queue = queues[name];
      const timeout = visibility ?? Number(QUEUES[name].VisibilityTimeout);
      const out: ModelMessage[] = [];
      for (const m of [...queue.messages]) {
        if (out.length >= max) break;
        if (m.visibleAt > now) continue;
        if (name === 'reads' && m.receiveCount >= 2) {
          queue.messages = queue.messages.filter((x) => x !== m);
          const { firstReceiveAt: _first, ...rest } = m;
          queues['reads-dlq'].messages.push({ ...rest, visibleAt: now, receiveCount: 0, deadFrom: `${ARN}reads` });
          continue;
        }
        m.receiveCount += 1;
        m.firstReceiveAt ??= now;
        m.visibleAt = now + timeout * 1000;
        out.push({ ...m });
      }
      return out;
    },
    remove: (name: QueueName, body: string) => {
      queues[name].messages = queues[name].messages.filter((m) => m.body !== body);
    },
    changeVisibility: (name: QueueName, body: string, now: number, seconds: number): string => {
      const m = find(name, body);
      if (!m || m.receiveCount === 0 || m.visibleAt <= now) return 'MessageNotInflight';
      m.visibleAt = now + seconds * 1000;
      return 'ok';
    },
    purge: (name: QueueName, now: number): string => {
      const queue = queues[name];
      if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < 60_000) return 'PurgeQueueInProgress';
      queue.lastPurgeAt = now;
      queue.messages = [];
      return 'ok';
    },
    counts: (name: QueueName, now: number) => {
      expire(name, now);
      const all = queues[name].messages;
      return {
        ApproximateNumberOfMessages: String(all.filter((m) => m.visibleAt <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(
          all.filter((m) => m.visibleAt > now && m.receiveCount > 0).length,
        ),
        ApproximateNumberOfMessagesDelayed: String(all.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
      };
    },
  };
};

type Step =
  | { readonly op: 'send'; readonly queue: QueueName; readonly delay: number }
  | { readonly op: 'receive'; readonly queue: QueueName; readonly max: number; readonly visibility?: number }
  | { readonly op: 'delete'; readonly pick: number }
  | { readonly op: 'visibility'; readonly pick: number; readonly seconds: number }
  | { readonly op: 'purge'; readonly queue: QueueName }
  | { readonly op: 'counts'; readonly queue: QueueName }
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'restart' };

const queueArb = fc.constantFrom(...NAMES);
const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('send' as const),
        queue: queueArb,
        delay: fc.constantFrom(0, 0, 0, 3, 12),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record(
        {
          op: fc.constant('receive' as const),
          queue: queueArb,
          max: fc.integer({ min: 1, max: 10 }),
          visibility: fc.constantFrom(0, 4, 30),
        },
        { requiredKeys: ['op', 'queue', 'max'] },
      ),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('visibility' as const),
        pick: fc.nat(),
        seconds: fc.constantFrom(0, 2, 20),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('purge' as const), queue: queueArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('counts' as const), queue: queueArb }) },
    {
      weight: 5,
      arbitrary: fc.record({
        op: fc.constant('advance' as const),
        ms: fc.constantFrom(1, 999, 2_000, 5_000, 11_000, 31_000),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('restart' as const) }) },
  ),
  { minLength: 1, maxLength: 80, size: 'max' },
);

const errorName = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as Error).name.split('#').at(-1) ?? '';
  }
};

describe('sqs messages against the walk-the-list model (property)', () => {
  it('answers every sequence of operations as the model does, restarts from the store included', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (sequence) => {
        const clock = createManualClock(new Date(START));
        const store = memoryStore();
        const start = (): SqsEmulator => {
          const sqs = createSqs({ now: clock.now, clock });
          void sqs.attachStore(store);
          for (const name of NAMES) sqs.createQueue(name, QUEUES[name]);
          return sqs;
        };
        let sqs = start();
        const model = createModel();
        const call = (operation: string, input: Record<string, unknown>) => {
          const run = sqs.service.operations[operation];
          if (!run) throw new Error(`no ${operation}`);
          return run(input, {} as never) as Record<string, unknown>;
        };
        // Receipt handles the emulator gave, with the message each names, for deletes and visibility changes.
        const handles: { queue: QueueName; body: string; handle: string }[] = [];
        let sent = 0;
        for (const step of sequence) {
          const now = clock.now().getTime();
          if (step.op === 'send') {
            const body = `m${++sent}`;
            const answer = call('SendMessage', {
              QueueUrl: URL + step.queue,
              MessageBody: body,
              DelaySeconds: step.delay,
            });
            model.send(step.queue, body, now, step.delay);
            expect(answer.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));
          } else if (step.op === 'receive') {
            const answer = call('ReceiveMessage', {
              QueueUrl: URL + step.queue,
              MaxNumberOfMessages: step.max,
              MessageSystemAttributeNames: ['All'],
              ...(step.visibility === undefined ? {} : { VisibilityTimeout: step.visibility }),
            }) as {
              Messages?: {
                Body: string;
                MD5OfBody: string;
                ReceiptHandle: string;
                Attributes: Record<string, string>;
              }[];
            };
            const got = (answer.Messages ?? []).map((m) => {
              handles.push({ queue: step.queue, body: m.Body, handle: m.ReceiptHandle });
              expect(m.MD5OfBody).toBe(createHash('md5').update(m.Body).digest('hex'));
              return { body: m.Body, ...m.Attributes };
            });
            const expected = model.receive(step.queue, now, step.max, step.visibility).map((m) => ({
              body: m.body,
              SenderId: 'AIDAAAAAAAAAAAAAAAAAA',
              SentTimestamp: String(m.sentAt),
              ApproximateReceiveCount: String(m.receiveCount),
              ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
              ...(m.deadFrom ? { DeadLetterQueueSourceArn: m.deadFrom } : {}),
            }));
            expect(got).toEqual(expected);
          } else if (step.op === 'delete' || step.op === 'visibility') {
            const picked = handles[step.pick % Math.max(1, handles.length)];
            if (!picked) continue;
            if (step.op === 'delete') {
              call('DeleteMessage', { QueueUrl: URL + picked.queue, ReceiptHandle: picked.handle });
              model.remove(picked.queue, picked.body);
            } else {
              const got = errorName(() =>
                call('ChangeMessageVisibility', {
                  QueueUrl: URL + picked.queue,
                  ReceiptHandle: picked.handle,
                  VisibilityTimeout: step.seconds,
                }),
              );
              expect(got).toBe(model.changeVisibility(picked.queue, picked.body, now, step.seconds));
            }
          } else if (step.op === 'purge') {
            expect(errorName(() => call('PurgeQueue', { QueueUrl: URL + step.queue }))).toBe(
              model.purge(step.queue, now),
            );
          } else if (step.op === 'counts') {
            const { Attributes } = call('GetQueueAttributes', {
              QueueUrl: URL + step.queue,
              AttributeNames: [
                'ApproximateNumberOfMessages',
                'ApproximateNumberOfMessagesNotVisible',
                'ApproximateNumberOfMessagesDelayed',
              ],
            });
            expect(Attributes).toEqual(model.counts(step.queue, now));
          } else if (step.op === 'advance') {
            await clock.advance(step.ms);
          } else {
            // A new emulator on the rows the last one wrote through: the queues, their messages and receive state.
            sqs = start();
          }
        }
        for (const name of NAMES)
          expect(
            call('GetQueueAttributes', { QueueUrl: URL + name, AttributeNames: ['All'] }).Attributes,
          ).toMatchObject(model.counts(name, clock.now().getTime()));
      }),
      { numRuns: 200 },
    );
  });
});
