// The failure alert end to end on the local cloud: a workflow that ends ABORTED or FAILED outside its own Catch used
// to keep its rotation lock (the next `smcp rotate` ended "Rotation Skipped" until the 25-hour lease ran out) and to
// alert nobody. Now the execution-failed rule hears Step Functions' status change, the failure-alert workflow reads
// the execution back, gives the lease back and alerts on SNS and the bus, and the next rotation runs.
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { type SettledExecution, settle } from '../../local/settle.ts';
import { functionNamed, tableNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const CANARY = `canary-${crypto.randomUUID()}`;

let t: TestCloud;
const busEvents: BusEvent[] = [];
beforeAll(async () => {
  t = await startTestCloud();
  t.cloud.bus.tap((event) => busEvents.push(event));
});
afterAll(async () => {
  await t.cloud.stop();
});

const createSecret = async (name: string, approval: 'required' | 'none') => {
  await t.clients.sm.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: JSON.stringify({ password: CANARY }),
      Tags: [
        { Key: 'smcp:rotation', Value: 'orchestrated' },
        { Key: 'smcp:strategy', Value: 'random-password' },
        { Key: 'smcp:approval', Value: approval },
      ],
    }),
  );
  return (await t.clients.sm.send(new DescribeSecretCommand({ SecretId: name }))).ARN ?? '';
};

/** `smcp rotate` puts this event on the bus (the reason travels in the execution's input); its id names the execution. */
const requestRotation = async (secretId: string): Promise<SettledExecution | undefined> => {
  const out = await t.clients.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: t.cloud.stack.environment.EVENT_BUS_NAME,
          Source: 'smcp',
          DetailType: 'Rotation Requested',
          Detail: JSON.stringify({ secretId, requestedBy: 'alice', reason: `exposed ${CANARY}` }),
        },
      ],
    }),
  );
  const eventId = out.Entries?.[0]?.EventId;
  return (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === eventId);
};

/** Runs `act`, settles, and returns the failure-alert executions that started meanwhile. */
const alertsStartedBy = async (act: () => Promise<unknown> | unknown): Promise<SettledExecution[]> => {
  const before = new Set((await settle(t.cloud)).map((e) => e.executionArn));
  await act();
  return (await settle(t.cloud)).filter((e) => e.workflow === 'failure-alert' && !before.has(e.executionArn));
};

const lockOf = async (secretArn: string) => {
  const { Item } = await t.clients.ddb.send(
    new GetItemCommand({
      TableName: tableNamed(t.cloud.stack, 'RotationLocksTable'),
      Key: { lockKey: { S: secretArn } },
      ConsistentRead: true,
    }),
  );
  return Item?.owner?.S;
};

/** Step Functions' Execution Status Change event as the default bus carries it, with `detail` as given. */
const statusChange = (detail: Record<string, unknown>) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '000000000000',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: typeof detail.executionArn === 'string' ? [detail.executionArn] : [],
  detail,
});

const alertsTopic = () => t.cloud.sns.outbox().filter((n) => n.TopicArn.endsWith(':smcp-local-workflow-alerts'));
const ownEvents = (type: string, secretArn: string) =>
  busEvents.filter((e) => e.source === 'smcp' && e['detail-type'] === type && e.resources.includes(secretArn));

describe('failure alert: an aborted rotation', () => {
  it('releases the lock the rotation held while waiting for approval, alerts, and the next rotation runs', async () => {
    const arn = await createSecret('alert/aborted', 'required');
    const waiting = await requestRotation('alert/aborted');
    expect(waiting).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    expect(await lockOf(arn)).toBe(waiting?.name);

    const alerts = await alertsStartedBy(() =>
      t.clients.sfn.send(new StopExecutionCommand({ executionArn: waiting?.executionArn })),
    );
    const next = await requestRotation('alert/aborted');

    expect(alerts.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const [notification] = alertsTopic().filter((n) => n.Message.includes(waiting?.executionArn ?? '?'));
    expect(notification?.Subject).toBe('[smcp] Workflow Failed: rotation ABORTED');
    expect(notification?.Message).toContain('Last state: Wait For Approval');
    expect(notification?.Message).toContain('Lock: released');
    expect(ownEvents('Workflow Failed', arn).map((e) => e.detail)).toEqual([
      {
        executionArn: waiting?.executionArn,
        stateMachineArn: t.cloud.stack.stateMachines.find((m) => m.key === 'rotation')?.arn,
        workflow: 'rotation',
        status: 'ABORTED',
        error: null,
        lastState: 'Wait For Approval',
        secretId: arn,
        lock: 'released',
      },
    ]);
    // The next rotation took the lock and waits for its own approval instead of ending "Rotation Skipped".
    expect(next).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    expect(await lockOf(arn)).toBe(next?.name);
    expect(ownEvents('Rotation Skipped', arn)).toEqual([]);
  });
});

describe('failure alert: a failed rotation that could not give its lock back', () => {
  it('names the error and the last state, releases the lease and lets the next rotation complete', async () => {
    const arn = await createSecret('alert/failed', 'none');
    const createPending = functionNamed(t.cloud.stack, 'rotationCreatePending');
    const releaseLock = functionNamed(t.cloud.stack, 'rotationReleaseLock');
    let broken = true;
    const unhook = t.cloud.lambda.hook(async (name, event, next) => {
      if (broken && (name === createPending || name === releaseLock)) {
        throw Object.assign(new Error(`the step broke ${CANARY}`), { name: 'StepBrokeError' });
      }
      return next(event);
    });

    const failed = await requestRotation('alert/failed');
    broken = false;
    unhook();
    const next = await requestRotation('alert/failed');

    expect(failed).toMatchObject({ status: 'FAILED', error: 'RotationFailed' });
    expect(ownEvents('Workflow Failed', arn).map((e) => e.detail)).toEqual([
      expect.objectContaining({ status: 'FAILED', error: 'RotationFailed', lastState: 'Failed', lock: 'released' }),
    ]);
    expect(next?.status).toBe('SUCCEEDED');
    expect(ownEvents('Rotation Completed', arn)).toHaveLength(1);
  });
});

describe('failure alert: a scan workflow that held leases on the secrets it visited', () => {
  it('gives back every lease the failed scan owned, found by owner, and leaves other owners alone', async () => {
    const [first, second, other] = [
      await createSecret('alert/scan-a', 'none'),
      await createSecret('alert/scan-b', 'none'),
      await createSecret('alert/scan-c', 'none'),
    ];
    const table = tableNamed(t.cloud.stack, 'RotationLocksTable');
    const lease = (lockKey: string, owner: string) =>
      t.clients.ddb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            lockKey: { S: lockKey },
            owner: { S: owner },
            acquiredAt: { S: '2026-01-05T09:00:00.000Z' },
            expiresAt: { S: '2099-01-01T00:00:00.000Z' },
          },
        }),
      );
    await lease(other, 'another-execution');
    const findCandidates = functionNamed(t.cloud.stack, 'replicasFindCandidates');
    let scan = '';
    // The scan dies outside any Catch after it took leases on two secrets (as its repairs do, owned by its name).
    const unhook = t.cloud.lambda.hook(async (name, event, next) => {
      if (name !== findCandidates) return next(event);
      scan = String((event as { executionName?: unknown }).executionName);
      await lease(first, scan);
      await lease(second, scan);
      throw Object.assign(new Error('the scan broke'), { name: 'ScanBrokeError' });
    });

    const alerts = await alertsStartedBy(() =>
      t.clients.events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: t.cloud.stack.environment.EVENT_BUS_NAME,
              Source: 'smcp',
              DetailType: 'Replica Scan Requested',
              Detail: JSON.stringify({ requestedBy: 'alice' }),
            },
          ],
        }),
      ),
    );
    unhook();

    expect(scan).not.toBe('');
    expect(alerts.map((e) => e.status)).toEqual(['SUCCEEDED']);
    expect(await lockOf(first)).toBeUndefined();
    expect(await lockOf(second)).toBeUndefined();
    expect(await lockOf(other)).toBe('another-execution');
    const [notification] = alertsTopic().filter((n) => n.Message.includes(`:${scan}`));
    expect(notification?.Subject).toBe('[smcp] Workflow Failed: replica-repair FAILED');
    expect(notification?.Message).toContain('Lock: released');
  });
});

describe('failure alert: nothing is believed because the event says so', () => {
  it('alerts on nothing and keeps the lease when Step Functions says the execution is still running', async () => {
    const arn = await createSecret('alert/forged', 'required');
    const waiting = await requestRotation('alert/forged');
    const alertsBefore = alertsTopic().length;

    const [alert] = await alertsStartedBy(() =>
      t.cloud.bus.publish(
        statusChange({
          executionArn: waiting?.executionArn,
          stateMachineArn: t.cloud.stack.stateMachines.find((m) => m.key === 'rotation')?.arn,
          name: waiting?.name,
          status: 'FAILED',
          startDate: 1,
          stopDate: 2,
          input: '{}',
          output: null,
          error: 'Forged',
          cause: null,
        }),
      ),
    );

    expect(alert?.status).toBe('SUCCEEDED');
    expect(
      alert?.history.some((e) => (e.stateEnteredEventDetails as { name?: string })?.name === 'Nothing To Alert'),
    ).toBe(true);
    expect(alertsTopic()).toHaveLength(alertsBefore);
    expect(await lockOf(arn)).toBe(waiting?.name);
    await t.clients.sfn.send(new StopExecutionCommand({ executionArn: waiting?.executionArn }));
    await settle(t.cloud);
  });

  it('never starts for an execution of the failure alert itself', async () => {
    const alertMachine = t.cloud.stack.stateMachines.find((m) => m.key === 'failure-alert')?.arn ?? '';

    const started = await alertsStartedBy(() =>
      t.cloud.bus.publish(
        statusChange({
          executionArn: `${alertMachine.replace(':stateMachine:', ':execution:')}:some-run`,
          stateMachineArn: alertMachine,
          name: 'some-run',
          status: 'FAILED',
          startDate: 1,
          stopDate: 2,
          error: 'States.TaskFailed',
        }),
      ),
    );

    expect(started).toEqual([]);
  });
});

describe('failure alert: no input or output leaves the failed execution', () => {
  it('keeps the canary of the secret and of the execution input out of every alert, event and alert history', async () => {
    const alerts = alertsTopic().map((n) => `${n.Subject}\n${n.Message}`);
    const events = busEvents.filter((e) => e['detail-type'] === 'Workflow Failed').map((e) => JSON.stringify(e));
    const histories = (await settle(t.cloud))
      .filter((e) => e.workflow === 'failure-alert')
      .map((e) => JSON.stringify(e.history));

    expect(alerts.length).toBeGreaterThanOrEqual(2);
    for (const text of [...alerts, ...events, ...histories]) expect(text).not.toContain(CANARY);
  });
});
