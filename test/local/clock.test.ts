// The local clock moved forward: the clocks themselves, the `POST /_smcp/clock` route, and what ages with it
// (LastAccessedDate and CreatedDate, recovery windows, schedules).
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock, createRealClock } from '../../local/clock.ts';
import { type BusEvent, createEventBus } from '../../local/eventbridge/bus.ts';
import { applySetup } from '../../local/replay/setup.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const DAY = 24 * 60 * 60;

describe('local clocks', () => {
  it('the real clock jumps ahead on advance and wakes the sleepers that came due, at their own instants', async () => {
    const clock = createRealClock();
    const start = clock.now().getTime();
    const woke: number[] = [];
    const sleeper = (ms: number) => clock.sleep(ms).then(() => woke.push(clock.now().getTime() - start));
    const first = sleeper(2 * DAY * 1000);
    const second = sleeper(DAY * 1000);
    void sleeper(10 * DAY * 1000);

    await clock.advance(3 * DAY * 1000);
    await Promise.all([first, second]);

    expect(woke).toHaveLength(2);
    expect(woke[0]).toBeGreaterThanOrEqual(DAY * 1000);
    expect(woke[0]).toBeLessThan(2 * DAY * 1000);
    expect(woke[1]).toBeGreaterThanOrEqual(2 * DAY * 1000);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(3 * DAY * 1000);
  });

  it('wakes a sleeper that an advance brought near by the new time, not the old one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const clock = createRealClock();
      let woke = false;
      void clock.sleep(DAY * 1000 + 50).then(() => {
        woke = true;
      });

      await clock.advance(DAY * 1000);
      await vi.advanceTimersByTimeAsync(50);

      expect(woke).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs the between hook after each timer an advance fires', async () => {
    const clock = createManualClock('2026-01-05T00:00:00Z');
    const seen: string[] = [];
    void clock.sleep(1000).then(() => seen.push('a'));
    void clock.sleep(2000).then(() => seen.push('b'));

    await clock.advance(5000, async () => {
      seen.push(`settled at ${clock.now().toISOString()}`);
    });

    expect(seen.slice(0, 4)).toEqual([
      'a',
      'settled at 2026-01-05T00:00:01.000Z',
      'b',
      'settled at 2026-01-05T00:00:02.000Z',
    ]);
    expect(clock.now().toISOString()).toBe('2026-01-05T00:00:05.000Z');
  });

  it('fires a daily schedule once per day it passes, each with its own day in the event time', async () => {
    const clock = createRealClock();
    const fired: BusEvent[] = [];
    const bus = createEventBus({
      clock,
      region: 'us-east-1',
      account: '000000000000',
      rules: [
        {
          name: 'daily',
          state: 'ENABLED',
          scheduleExpression: 'cron(0 3 * * ? *)',
          targets: [{ id: 't', arn: 'arn:aws:lambda:us-east-1:000000000000:function:f' }],
        },
      ],
      deliver: async () => {},
    });
    bus.tap((event, via) => {
      if (via === 'schedule') fired.push(event);
    });
    bus.startSchedules();

    await clock.advance(3 * DAY * 1000, () => bus.whenIdle());
    bus.stopSchedules();

    expect(fired).toHaveLength(3);
    const days = fired.map((e) => e.time.slice(0, 10));
    expect(new Set(days).size).toBe(3);
    expect(fired.every((e) => e.time.slice(11) === '03:00:00Z')).toBe(true);
  });
});

describe('POST /_smcp/clock', () => {
  let t: TestCloud;
  const post = (path: string, body: unknown) =>
    fetch(`${t.cloud.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestCloud({ start: '2026-01-05T09:00:00Z' });
  });
  afterAll(async () => t?.cloud.stop());

  it('moves the local clock forward and says where it stands', async () => {
    const response = await post('/_smcp/clock', { advanceSeconds: 3600 });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ now: '2026-01-05T10:00:00.000Z', advancedSeconds: 3600 });
    expect(t.clock.now().toISOString()).toBe('2026-01-05T10:00:00.000Z');
    expect(await (await fetch(`${t.cloud.url}/_smcp/clock`)).json()).toEqual({ now: '2026-01-05T10:00:00.000Z' });
  });

  it.each([
    [{ advanceSeconds: -1 }, 'must not be negative'],
    [{ advanceSeconds: 'ten' }, 'must be a number of seconds'],
    [{ advanceSeconds: 1e12 }, 'at most 315360000'],
    [{ advanceSeconds: 1.5 }, 'whole number of seconds'],
    [{}, 'advanceSeconds is required'],
    [{ advanceSeconds: 1, by: 2 }, 'Unknown field by'],
    ['[1]', 'must be a JSON object'],
    ['{"advanceSeconds": ', 'Body'],
  ])('rejects %j with a clear 400 and leaves the clock alone', async (body, message) => {
    const before = t.clock.now().toISOString();

    const response = await post('/_smcp/clock', body);

    expect(response.status).toBe(400);
    expect(String(((await response.json()) as { error: string }).error)).toContain(message);
    expect(t.clock.now().toISOString()).toBe(before);
  });

  it('ages LastAccessedDate and CreatedDate: they stay the instants they were', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'clock/aging', SecretString: 'x' }));
    await t.clients.sm.send(new GetSecretValueCommand({ SecretId: 'clock/aging' }));
    const before = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'clock/aging' }));

    await post('/_smcp/clock', { advanceSeconds: 40 * DAY });
    const after = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'clock/aging' }));

    expect(after.LastAccessedDate).toEqual(before.LastAccessedDate);
    expect(after.CreatedDate).toEqual(before.CreatedDate);
    const age = (t.clock.now().getTime() - (after.LastAccessedDate?.getTime() ?? 0)) / (DAY * 1000);
    expect(Math.floor(age)).toBe(40);
  });

  it('ends recovery windows: the emulator purges the secret', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'clock/deleted', SecretString: 'x' }));
    await t.clients.sm.send(new DeleteSecretCommand({ SecretId: 'clock/deleted', RecoveryWindowInDays: 7 }));

    await post('/_smcp/clock', { advanceSeconds: 7 * DAY - 60 });
    const during = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'clock/deleted' }));
    await post('/_smcp/clock', { advanceSeconds: 60 });

    expect(during.DeletedDate).toBeDefined();
    expect(t.cloud.secretsmanager.snapshot()).not.toMatchObject({
      secrets: expect.objectContaining({ [String(during.ARN)]: expect.anything() }),
    });
    await expect(t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'clock/deleted' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('POST /_smcp/secrets/backdate', () => {
  let t: TestCloud;
  const post = (body: unknown) =>
    fetch(`${t.cloud.url}/_smcp/secrets/backdate`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestCloud({ start: '2026-01-05T09:00:00Z' });
  });
  afterAll(async () => t?.cloud.stop());

  it('gives a secret an earlier CreatedDate and a LastAccessedDate kept to the day', async () => {
    await t.clients.sm.send(new CreateSecretCommand({ Name: 'old/one', SecretString: 'x' }));

    const response = await post({
      secretId: 'old/one',
      createdDate: '2025-01-01T12:00:00Z',
      lastAccessedDate: { 'us-east-1': '2025-06-30T17:45:00Z' },
    });
    const described = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'old/one' }));

    expect(response.status).toBe(200);
    expect(described.CreatedDate?.toISOString()).toBe('2025-01-01T12:00:00.000Z');
    expect(described.LastAccessedDate?.toISOString()).toBe('2025-06-30T00:00:00.000Z');
  });

  it.each([
    [{ secretId: 'old/one', createdDate: '2027-01-01T00:00:00Z' }, 'later than the local clock'],
    [{ secretId: 'old/one', lastAccessedDate: { 'eu-west-9': '2025-06-30T00:00:00Z' } }, 'neither the primary'],
    [
      { secretId: 'old/one', lastAccessedDate: { 'us-east-1': '2024-06-30T00:00:00Z' } },
      'before the secret was created',
    ],
    [{ secretId: 'old/none' }, 'No secret old/none'],
    [{ secretId: 'old/one', createdDate: 'yesterday' }, 'ISO-8601'],
  ])('rejects %j with a 400', async (body, message) => {
    const response = await post(body);

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain(message);
  });
});

describe('setup.json Backdate', () => {
  let t: TestCloud;

  beforeAll(async () => {
    t = await startTestCloud({ start: '2026-01-05T09:00:00Z' });
  });
  afterAll(async () => t?.cloud.stop());

  it('creates the secret, then ages it counted back from the target clock', async () => {
    const created = await applySetup(t.cloud.url, {
      secrets: [
        { Name: 'setup/aged', Backdate: { CreatedDaysAgo: 200, LastAccessedDaysAgo: { 'us-east-1': 120 } } },
        { Name: 'setup/plain' },
      ],
    });
    const aged = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'setup/aged' }));

    expect(created).toEqual(['setup/aged', 'setup/plain']);
    expect(aged.CreatedDate?.toISOString()).toBe('2025-06-19T09:00:00.000Z');
    expect(aged.LastAccessedDate?.toISOString()).toBe('2025-09-07T00:00:00.000Z');
  });

  it('names the entry when an age is not a number of days', async () => {
    await expect(
      applySetup(t.cloud.url, {
        secrets: [{ Name: 'setup/bad', Backdate: { LastAccessedDaysAgo: { 'us-east-1': -3 } } }],
      }),
    ).rejects.toThrow('setup/bad: Backdate.LastAccessedDaysAgo.us-east-1 must be a number of days');
  });
});
