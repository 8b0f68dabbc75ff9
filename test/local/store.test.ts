// The data directory's database: a directory an older version left (`state.json`, a snapshot saved every few
// seconds) is imported once, and everything in it is there after the start.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

let dataDir: string;
let port: number;
let t: TestCloud | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-store-'));
  port = await freePort();
});

afterAll(async () => {
  await t?.cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local cloud store', () => {
  it('imports the state.json an older version left, once, and keeps it', async () => {
    // What the older version saved: every emulator's snapshot in one file.
    const before = await startTestCloud({ port });
    await before.clients.sm.send(new CreateSecretCommand({ Name: 'legacy/kept', SecretString: 'from-state-json' }));
    const { QueueUrl } = await before.clients.sqs.send(new CreateQueueCommand({ QueueName: 'legacy-queue' }));
    await before.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queued before' }));
    const state = {
      savedAt: new Date().toISOString(),
      secretsmanager: before.cloud.secretsmanager.snapshot(),
      stepfunctions: before.cloud.stepfunctions.snapshot(),
      sqs: before.cloud.sqs.snapshot(),
      sns: before.cloud.sns.snapshot(),
    };
    await before.cloud.stop();
    writeFileSync(join(dataDir, 'state.json'), JSON.stringify(state));

    t = await startTestCloud({ port, dataDir });
    const imported = await t.clients.sm.send(new GetSecretValueCommand({ SecretId: 'legacy/kept' }));
    await t.cloud.stop();
    t = await startTestCloud({ port, dataDir });
    const again = await t.clients.sm.send(new GetSecretValueCommand({ SecretId: 'legacy/kept' }));
    const { Messages = [] } = await t.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl }));

    expect(imported.SecretString).toBe('from-state-json');
    expect(again.SecretString).toBe('from-state-json');
    expect(Messages.map((m) => m.Body)).toEqual(['queued before']);
    expect([existsSync(join(dataDir, 'state.json')), existsSync(join(dataDir, 'state.json.imported'))]).toEqual([
      false,
      true,
    ]);
  }, 60_000);
});
