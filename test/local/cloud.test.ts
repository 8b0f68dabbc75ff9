import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ReplicateSecretToRegionsCommand,
} from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationHandler } from '../../local/protocol.ts';
import { stateMachineDoesNotExist } from '../../local/stepfunctions/errors.ts';
import { freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const ROTATION = 'arn:aws:states:us-east-1:000000000000:stateMachine:smcp-local-rotation';

let dataDir: string;
let port: number;
let t: TestCloud;

const rotationRequested = (id: string) => ({
  version: '0',
  id,
  'detail-type': 'Rotation Requested',
  source: 'smcp',
  account: '000000000000',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { secretId: 'app/db', requestedBy: 'alice' },
});

const deadLetters = async (test: TestCloud) => {
  const { QueueUrl } = await test.clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'smcp-local-dead-letters' }));
  const { Attributes } = await test.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
};

/** Takes every message out of the dead-letter queue and returns their reasons. */
const deadLetterReasons = async (test: TestCloud): Promise<string[]> => {
  const { QueueUrl } = await test.clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'smcp-local-dead-letters' }));
  const reasons: string[] = [];
  for (;;) {
    const { Messages = [] } = await test.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
    );
    if (Messages.length === 0) return reasons;
    for (const message of Messages) {
      reasons.push(JSON.parse(message.Body ?? '{}').reason);
      await test.clients.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-cloud-'));
  port = await freePort();
  t = await startTestCloud({ port, dataDir, schedules: true });
  // A secret the real rotation workflow can rotate without a target or an approval.
  await t.clients.sm.send(
    new CreateSecretCommand({
      Name: 'app/db',
      SecretString: JSON.stringify({ password: 'initial' }),
      Tags: [
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: 'none' },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  await t.cloud.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local cloud', () => {
  it('runs what serverless.yml deploys: the dispatch function and every rule from events/rules/', () => {
    expect(t.cloud.stack.functions.map((f) => f.name)).toContain('smcp-local-dispatch');
    expect(t.cloud.bus?.rules().map((r) => r.Name)).toEqual(
      expect.arrayContaining([
        'smcp-local-rotation-requested',
        'smcp-local-rotation-failed',
        'smcp-local-cleanup-scan',
      ]),
    );
  });

  it('routes a PutEvents entry through its rule to the unmodified dispatch handler, which starts the workflow', async () => {
    const { Entries } = await t.clients.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'smcp',
            DetailType: 'Rotation Requested',
            Detail: JSON.stringify({ secretId: 'app/db' }),
            // The control plane's own bus (custom.eventBusName): its rules are there, not on the default bus.
            EventBusName: t.cloud.stack.environment.EVENT_BUS_NAME,
          },
        ],
      }),
    );
    await t.cloud.whenIdle();

    const eventId = Entries?.[0]?.EventId ?? '';
    const execution = await t.clients.sfn.send(
      new DescribeExecutionCommand({ executionArn: `${ROTATION.replace(':stateMachine:', ':execution:')}:${eventId}` }),
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.input ?? '{}')).toMatchObject({
      secretId: 'app/db',
      trigger: { rule: 'rotation-requested', eventId },
    });
  });

  it('starts one execution when the same event is delivered twice', async () => {
    const before =
      (await t.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: ROTATION }))).executions?.length ?? 0;

    t.cloud.bus?.publish(rotationRequested('0d7b1c2e-1111-4a1a-9a9a-000000000001'));
    t.cloud.bus?.publish(rotationRequested('0d7b1c2e-1111-4a1a-9a9a-000000000001'));
    await t.cloud.whenIdle();

    const after = (await t.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: ROTATION }))).executions
      ?.length;
    expect(after).toBe(before + 1);
  });

  it('parks an event whose workflow has no state machine in the dead-letter queue, with the reason', async () => {
    // Every rule's workflow is deployed now: Step Functions answers for the cleanup's state machine as a stage
    // without it would (StateMachineDoesNotExist), the dispatcher and its dead-letter queue are the real ones.
    const operations = t.cloud.stepfunctions.service.operations as Record<string, OperationHandler>;
    const start = operations.StartExecution as OperationHandler;
    operations.StartExecution = (input, ctx) => {
      const arn = String(input.stateMachineArn);
      if (arn.endsWith(':smcp-local-cleanup')) throw stateMachineDoesNotExist(arn);
      return start(input, ctx);
    };
    const before = await deadLetters(t);

    try {
      t.cloud.bus?.fireSchedule('smcp-local-cleanup-scan');
      await t.cloud.whenIdle();
    } finally {
      operations.StartExecution = start;
    }

    expect(await deadLetters(t)).toBe(before + 1);
    expect(await deadLetterReasons(t)).toContain(
      'Workflow "cleanup" has no state machine in this stage; deploy it or disable its rule',
    );
  });

  it('fires the scheduled rules on the clock', async () => {
    const scans = () =>
      t.cloud.stepfunctions.executions().filter((e) => e.stateMachineArn.endsWith('-replica-repair')).length;
    const before = scans();

    await t.clock.advance(6 * 3_600_000);
    await t.cloud.whenIdle();

    // The replica drift scan (every six hours) fired, and the dispatcher started its workflow.
    expect(scans()).toBeGreaterThan(before);
  });

  it("invokes the local functions through Lambda's Invoke API", async () => {
    const invoke = (name: string, payload: string) =>
      fetch(`${t.cloud.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: payload });

    const ok = await invoke('smcp-local-dispatch', JSON.stringify({ rule: 'nope', event: {} }));
    const missing = await invoke('smcp-local-nothing', '{}');
    const garbled = await invoke('smcp-local-dispatch', '{');

    expect([ok.status, await ok.json()]).toEqual([200, expect.objectContaining({ status: 'rejected' })]);
    expect([missing.status, missing.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
    expect([garbled.status, garbled.headers.get('x-amzn-errortype')]).toEqual([400, 'InvalidRequestContentException']);
  });

  it('answers malformed requests with AWS-shaped errors and keeps serving', async () => {
    const post = (target: string, body: string) =>
      fetch(t.cloud.url, {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body,
      });

    const malformed = await post('secretsmanager.GetSecretValue', '{not json');
    const unknown = await post('secretsmanager.StealSecret', '{}');
    const missing = await post('secretsmanager.GetSecretValue', '{}');

    expect([malformed.status, (await malformed.json()).__type]).toEqual([400, 'SerializationException']);
    expect([unknown.status, (await unknown.json()).__type]).toEqual([400, 'UnknownOperationException']);
    expect([missing.status, (await missing.json()).__type]).toEqual([400, 'ValidationException']);
  });

  it('keeps secrets, versions, labels, tags, replicas, deletion schedules, queues and executions across a restart', async () => {
    const { sm, sfn } = t.clients;
    await sm.send(
      new CreateSecretCommand({ Name: 'keep/me', SecretString: 'v1', Tags: [{ Key: 'smcp:owner', Value: 'team' }] }),
    );
    await sm.send(
      new PutSecretValueCommand({ SecretId: 'keep/me', SecretString: 'v2', VersionStages: ['AWSCURRENT', 'custom'] }),
    );
    await sm.send(
      new ReplicateSecretToRegionsCommand({ SecretId: 'keep/me', AddReplicaRegions: [{ Region: 'eu-west-1' }] }),
    );
    await sm.send(new CreateSecretCommand({ Name: 'keep/deleted', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'keep/deleted', RecoveryWindowInDays: 7 }));
    const secretBefore = await sm.send(new DescribeSecretCommand({ SecretId: 'keep/me' }));
    const versionsBefore = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'keep/me' }));
    const deletedBefore = await sm.send(new DescribeSecretCommand({ SecretId: 'keep/deleted' }));
    const executionsBefore =
      (await sfn.send(new ListExecutionsCommand({ stateMachineArn: ROTATION }))).executions ?? [];
    const lettersBefore = await deadLetters(t);

    await t.cloud.stop();
    t = await startTestCloud({ port, dataDir, start: t.clock.now().toISOString() });

    const { $metadata: _a, ...secretAfter } = await t.clients.sm.send(
      new DescribeSecretCommand({ SecretId: 'keep/me' }),
    );
    const { $metadata: _b, ...versionsAfter } = await t.clients.sm.send(
      new ListSecretVersionIdsCommand({ SecretId: 'keep/me' }),
    );
    const deletedAfter = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: 'keep/deleted' }));
    const executionsAfter =
      (await t.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: ROTATION }))).executions ?? [];
    const { $metadata: _c, ...secretBeforeData } = secretBefore;
    const { $metadata: _d, ...versionsBeforeData } = versionsBefore;
    expect(secretAfter).toEqual(secretBeforeData);
    expect(secretAfter.ReplicationStatus?.[0]?.Region).toBe('eu-west-1');
    expect(versionsAfter).toEqual(versionsBeforeData);
    expect(deletedAfter.DeletedDate).toEqual(deletedBefore.DeletedDate);
    expect(executionsAfter.map((e) => [e.name, e.status])).toEqual(executionsBefore.map((e) => [e.name, e.status]));
    const history = await t.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: executionsAfter[0]?.executionArn }),
    );
    expect(history.events?.map((e) => e.type)).toContain('ExecutionSucceeded');
    expect(await deadLetters(t)).toBe(lettersBefore);
  }, 60_000);
});
