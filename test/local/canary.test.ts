// A secret value planted in the local cloud must not surface anywhere but GetSecretValue's answer: not in an event on
// the bus, a log line, a dead letter, a notification or an execution.
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const CANARY = 'canary-8f1d2c-DO-NOT-LEAK';
const CANARY_NEXT = 'canary-next-77aa31-DO-NOT-LEAK';
// A canary in every field, not only the password: no field of a secret value may surface.
const FIELDS = {
  username: 'canary-user-51c0e2',
  host: 'canary-host-9d41aa.invalid',
  port: '0000543299',
  dbname: 'canary-db-e07b13',
  engine: 'canary-engine-3f88c4',
  owner: 'canary-extra-a6d210',
};
let t: TestCloud;
const output: string[] = [];

beforeAll(async () => {
  const capture = (chunk: unknown) => {
    output.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  t = await startTestCloud();
}, 60_000);

afterAll(async () => {
  await t.cloud.stop();
  vi.restoreAllMocks();
});

describe('secret values in the local cloud', () => {
  it('never appear in bus events, logs, dead letters, notifications or executions', async () => {
    const { sm, events, sqs } = t.clients;
    const created = await sm.send(
      new CreateSecretCommand({ Name: 'canary/db', SecretString: JSON.stringify({ ...FIELDS, password: CANARY }) }),
    );
    const read = await sm.send(new GetSecretValueCommand({ SecretId: 'canary/db' }));
    const next = await sm.send(
      new PutSecretValueCommand({
        SecretId: 'canary/db',
        SecretString: JSON.stringify({ ...FIELDS, password: CANARY_NEXT }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'canary/db',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: next.VersionId,
        RemoveFromVersionId: created.VersionId,
      }),
    );
    await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['canary/db'] }));
    // A malformed request about the secret: the dispatcher parks it, and the dead letter must not carry a value either.
    t.cloud.bus?.publish({
      version: '0',
      id: 'c4a7c4a7-0000-4000-8000-000000000001',
      'detail-type': 'Rotation Requested',
      source: 'smcp',
      account: '000000000000',
      time: '2026-01-05T09:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { secretId: 42 },
    });
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'smcp',
            DetailType: 'Rotation Requested',
            Detail: JSON.stringify({ secretId: 'canary/db' }),
            EventBusName: t.cloud.stack.environment.EVENT_BUS_NAME,
          },
        ],
      }),
    );
    await t.cloud.whenIdle();

    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'smcp-local-dead-letters' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const executions = t.cloud.stepfunctions.executions().map((e) => t.cloud.stepfunctions.history(e.executionArn));
    const surfaces = {
      events: JSON.stringify(t.cloud.bus?.recentEvents()),
      logs: output.join('') + t.logs.join('\n'),
      deadLetters: JSON.stringify(Messages),
      notifications: JSON.stringify(t.cloud.sns.outbox()),
      executions: JSON.stringify(executions),
    };

    expect(read.SecretString).toContain(CANARY);
    expect(t.cloud.bus?.recentEvents().map((e) => (e.detail as { eventName?: string }).eventName)).toEqual(
      expect.arrayContaining([
        'CreateSecret',
        'GetSecretValue',
        'PutSecretValue',
        'UpdateSecretVersionStage',
        'BatchGetSecretValue',
      ]),
    );
    expect(Messages.length).toBeGreaterThan(0);
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const [field, canary] of Object.entries({ ...FIELDS, password: CANARY, next: CANARY_NEXT })) {
        expect(text.includes(canary), `${field} in ${surface}`).toBe(false);
      }
    }
  });
});
