// With a store, the local S3 keeps in memory only the newest bodies up to a budget: older ones are read back from the
// store when asked for, byte for byte, and a restart loads objects without their bodies. So a trail delivering for
// hours under load does not grow the process by its log files.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createS3 } from '../../local/s3/index.ts';
import { openStore, type Store } from '../../local/store/index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'smcp-s3-bodies-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const open = async () => {
  const store = openStore(dataDir, () => {});
  stores.push(store);
  const s3 = createS3({
    now: () => new Date('2026-01-05T09:00:00Z'),
    account: '000000000000',
    emit: () => {},
    log: () => {},
    residentBytes: 10_000,
  });
  s3.declareBucket({ name: 'logs', region: 'us-east-1', eventBridge: false });
  await s3.attachStore(store);
  return { s3, store };
};

const writer = { requester: 'cloudtrail.amazonaws.com' };

describe('local S3 bodies beyond the memory budget', () => {
  const bodies = Array.from({ length: 8 }, () => randomBytes(4_000));

  it('serves every body byte for byte while only the newest stay in memory', async () => {
    const { s3 } = await open();
    for (const [i, body] of bodies.entries()) await s3.putObject('logs', `f${i}`, body, {}, writer);

    const inMemory = s3.residentKeys('logs');
    // 10,000 bytes of budget hold the two newest 4,000-byte bodies.
    expect(inMemory).toEqual(['f6', 'f7']);
    for (const [i, body] of bodies.entries()) expect(s3.getObject('logs', `f${i}`)?.body.equals(body)).toBe(true);
  });

  it('loads objects without their bodies after a restart and reads each from the store', async () => {
    await stores.pop()?.close();
    const { s3 } = await open();
    expect(s3.keys('logs')).toEqual(bodies.map((_, i) => `f${i}`));
    expect(s3.residentKeys('logs')).toEqual([]);
    for (const [i, body] of bodies.entries()) expect(s3.getObject('logs', `f${i}`)?.body.equals(body)).toBe(true);
  });

  it('refuses to read a body once its store is closed, rather than opening the file again', async () => {
    const { s3, store } = await open();
    await stores.pop()?.close();

    expect(() => store.readBytes('s3.object.body', 'logs\u0000f0')).toThrow('The local store is closed');
    expect(() => s3.getObject('logs', 'f0')).toThrow('The local store is closed');
  });
});
