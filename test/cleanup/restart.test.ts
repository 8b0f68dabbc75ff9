// A delete scan the local cloud stops under: its Map handles the candidates at the same time, two deletions wait for
// approval (their branches' events interleaved in the history) and one was scheduled already. After a restart from the
// data directory the scan resumes, each deletion waits under its own token, and each decision lands on its own secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { freePort, startTestCloud } from '../support/local-cloud.ts';
import {
  advanceDays,
  approvalsFor,
  createSecret,
  decide,
  expectNoCanary,
  type Harness,
  ownEvents,
  pathsOf,
  rowFor,
  scan,
  settled,
} from './support.ts';

let dataDir: string;
let port: number;
const open: Harness[] = [];

/** What the functions printed (their log lines), searched for canaries with everything else. */
let output: string[];

/** A cleanup harness on a durable cloud. */
const startDurable = async (start?: string): Promise<Harness> => {
  const test = await startTestCloud({ port, dataDir, ...(start ? { start } : {}) });
  const busEvents: BusEvent[] = [];
  test.cloud.bus.tap((event) => busEvents.push(event));
  const h: Harness = {
    ...test,
    busEvents,
    output,
    reads: 0,
    regional: () => test.clients.sm as SecretsManagerClient,
    stop: () => test.cloud.stop(),
  };
  open.push(h);
  return h;
};

/** Stops the cloud as `smcp local` stops, and starts another on the same data directory at the same time. */
const restart = async (h: Harness) => {
  await h.cloud.persist();
  await h.stop();
  open.splice(open.indexOf(h), 1);
  return startDurable(h.clock.now().toISOString());
};

beforeEach(async () => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  }) as never);
  port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-cleanup-restart-'));
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.stop();
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('cleanup across a restart', () => {
  it('resumes a delete scan whose deletions wait for approval side by side: each decision lands on its own secret', async () => {
    const first = await startDurable();
    const approved = await createSecret(first, 'restart/approved', { readDaysAgo: { 'us-east-1': 120 } });
    const rejected = await createSecret(first, 'restart/rejected', { readDaysAgo: { 'us-east-1': 150 } });
    const direct = await createSecret(first, 'restart/direct', {
      readDaysAgo: { 'us-east-1': 200 },
      tags: { 'smcp:approval': 'none' },
    });
    await scan(first, { mode: 'mark', namePrefix: 'restart/' });
    await advanceDays(first, 15);
    const waiting = await scan(first, { mode: 'delete', namePrefix: 'restart/' });
    const requests = [approvalsFor(first, approved), approvalsFor(first, rejected)];
    const scheduledBefore = ownEvents(first, 'Secret Scheduled For Deletion').map((d) => d.secretId);

    const second = await restart(first);
    // Every execution, however long ago it started: the resumed scan started before the restart.
    const since = new Date(0);
    const resumed = await settled(second, waiting.scanId, since);
    await decide(second, String(requests[0]?.[0]?.approvalId), 'approve');
    await decide(second, String(requests[1]?.[0]?.approvalId), 'reject');
    const done = await settled(second, waiting.scanId, since);
    const execution = await second.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: String(done.executions[0]?.executionArn) }),
    );
    const described = async (arn: string) =>
      second.clients.sm.send(new DescribeSecretCommand({ SecretId: arn })).then((d) => d.DeletedDate);
    const scheduledAfter = ownEvents(second, 'Secret Scheduled For Deletion');

    expect(waiting.executions, pathsOf(waiting)).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);
    expect(requests.map((r) => r.length)).toEqual([1, 1]);
    expect(scheduledBefore).toEqual([direct]);
    expect(resumed.executions, pathsOf(resumed)).toMatchObject([{ status: 'RUNNING', awaitingCallback: true }]);
    expect(execution.status, pathsOf(done)).toBe('SUCCEEDED');
    // The approved secret alone is scheduled after the restart, with its recovery window; nothing twice.
    expect(scheduledAfter).toMatchObject([{ secretId: approved, name: 'restart/approved', recoveryDays: 30 }]);
    const deletedAt = await described(approved);
    const deletionDay = Date.parse(String(scheduledAfter[0]?.deletionDate));
    expect(Math.round((deletionDay - Number(deletedAt?.getTime())) / 86_400_000)).toBe(30);
    expect(await described(rejected)).toBeUndefined();
    expect(await described(direct)).toBeDefined();
    expect(rowFor(done.candidates, 'restart/approved')?.action).toBe('scheduled-for-deletion');
    expect(rowFor(done.candidates, 'restart/rejected')?.action).toBe('deletion-rejected');
    expect(rowFor(done.candidates, 'restart/direct')?.action).toBe('scheduled-for-deletion');
    await expectNoCanary(second);
  }, 60_000);
});
