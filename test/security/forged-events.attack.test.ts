// Attack: a hand-made `source: smcp` `Read Spike Detected` event (observed 3, score 0.99) made the read-anomaly response
// quarantine a legitimate reader within 50 ms — on AWS anyone with events:PutEvents on the default bus can send one.
// Two defences, each tested through the local cloud with real SDK calls: the response re-derives its evidence from the
// read counters and does nothing on a claim they do not support; and the control plane's own events travel on the
// stack's custom bus, whose resource policy refuses every other principal.
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  ListEventBusesCommand,
  ListRulesCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { GetResourcePolicyCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecret, MINUTE, reader, readFor, responsesOf } from '../reads/support.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const LEGIT = 'AKIALEGITREADER00001';
const FORGER = 'AKIAFORGER0000000001';
let t: TestCloud;

const busName = () => t.cloud.stack.environment.EVENT_BUS_NAME ?? '';

const forgedSpike = (secretArn: string, windowStart: number) => ({
  Source: 'smcp',
  DetailType: 'Read Spike Detected',
  Resources: [secretArn],
  Detail: JSON.stringify({
    secretId: secretArn,
    windowStart: new Date(windowStart).toISOString(),
    windowEnd: new Date(windowStart + MINUTE).toISOString(),
    observed: 3,
    expected: 0,
    score: 0.99,
  }),
});

const events = (key: string) =>
  new EventBridgeClient({
    endpoint: t.cloud.url,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: key, secretAccessKey: 'test' },
  });

/** A secret tagged for automatic quarantine, read 3 times a minute by its legitimate reader for ten minutes. */
const quietlyReadSecret = async (name: string) => {
  const arn = await createSecret(t, name, { 'smcp:anomaly-response': 'quarantine', 'smcp:approval': 'none' });
  let lastMinute = 0;
  for (let i = 0; i < 10; i++) {
    lastMinute = Math.floor(t.clock.now().getTime() / MINUTE) * MINUTE;
    await readFor(reader(t, LEGIT), arn, 3);
    await t.clock.advance(MINUTE);
    await t.cloud.whenIdle();
  }
  return { arn, lastMinute };
};

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-07T10:00:00Z' });
});
afterAll(async () => t?.cloud.stop());

describe('forged internal events', () => {
  it('does not quarantine on a Read Spike Detected the read counters do not show, even from a principal allowed on the bus', async () => {
    const { arn, lastMinute } = await quietlyReadSecret('forged/spike');

    // The account root is an operator of the local stage's bus (as `smcp rotate` is): the bus lets it put events, so
    // the claim reaches the workflow and only the evidence check stands between it and the quarantine.
    const out = await t.clients.events.send(
      new PutEventsCommand({ Entries: [{ ...forgedSpike(arn, lastMinute), EventBusName: busName() }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
    await t.cloud.whenIdle();

    const [run, ...more] = responsesOf(t, arn);
    expect(more).toHaveLength(0);
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.assessment).toMatchObject({
      confirmed: false,
      observed: 3,
      claimedObserved: 3,
      remediation: 'escalate',
    });
    expect(run?.output).toMatchObject({
      remediation: 'escalate',
      remediated: false,
      reason: expect.stringContaining('the read counters do not show the spike (3 reads in the window'),
    });
    expect((await t.clients.sm.send(new GetResourcePolicyCommand({ SecretId: arn }))).ResourcePolicy).toBeUndefined();
    expect((await reader(t, LEGIT).send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBeDefined();
  });

  it('refuses a forged event from a principal the bus policy does not name (AccessDeniedException)', async () => {
    const { arn, lastMinute } = await quietlyReadSecret('forged/bus');

    const out = await events(FORGER).send(
      new PutEventsCommand({ Entries: [{ ...forgedSpike(arn, lastMinute), EventBusName: busName() }] }),
    );
    await t.cloud.whenIdle();

    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]).toMatchObject({
      ErrorCode: 'AccessDeniedException',
      ErrorMessage: expect.stringContaining(
        `arn:aws:iam::000000000000:user/${FORGER} is not authorized to perform: events:PutEvents`,
      ),
    });
    expect(responsesOf(t, arn)).toEqual([]);
  });

  it('starts nothing from a forged event put on the default bus, where no internal rule listens', async () => {
    const { arn, lastMinute } = await quietlyReadSecret('forged/default-bus');

    const out = await events(FORGER).send(new PutEventsCommand({ Entries: [forgedSpike(arn, lastMinute)] }));
    await t.cloud.whenIdle();

    expect(out.FailedEntryCount).toBe(0);
    expect(responsesOf(t, arn)).toEqual([]);
  });

  it('still quarantines a burst the counters show, reported by the detector on the bus', async () => {
    const { arn } = await quietlyReadSecret('forged/real-burst');
    const burstAt = Math.floor(t.clock.now().getTime() / MINUTE) * MINUTE;
    await readFor(reader(t, 'AKIAREALINTRUDER0001'), arn, 40);
    await t.clock.advance(MINUTE);
    await t.cloud.whenIdle();

    await t.clients.events.send(
      new PutEventsCommand({
        Entries: [
          {
            ...forgedSpike(arn, burstAt),
            Detail: JSON.stringify({ ...JSON.parse(forgedSpike(arn, burstAt).Detail), observed: 40 }),
            EventBusName: busName(),
          },
        ],
      }),
    );
    await t.cloud.whenIdle();

    expect(responsesOf(t, arn).map((r) => r.output)).toMatchObject([
      { remediation: 'quarantine', remediated: true, suspect: 'arn:aws:iam::000000000000:user/AKIAREALINTRUDER0001' },
    ]);
  });
});

describe('the local cloud’s event buses', () => {
  it('lists the default bus and the stack’s, with its policy, and the rules bound to each', async () => {
    const { EventBuses = [] } = await t.clients.events.send(new ListEventBusesCommand({}));
    const described = await t.clients.events.send(new DescribeEventBusCommand({ Name: busName() }));
    const onBus = await t.clients.events.send(new ListRulesCommand({ EventBusName: busName() }));
    const onDefault = await t.clients.events.send(new ListRulesCommand({}));

    expect(EventBuses.map((b) => b.Name)).toEqual(['default', 'smcp-local']);
    expect(described.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/smcp-local');
    expect(JSON.parse(described.Policy ?? '{}').Statement).toMatchObject([
      {
        Sid: 'OnlyTheStackAndOperatorsPutEvents',
        Effect: 'Deny',
        Condition: {
          ArnNotLike: {
            'aws:PrincipalArn': ['arn:aws:iam::000000000000:role/smcp/local/*', 'arn:aws:iam::000000000000:root'],
          },
        },
      },
    ]);
    expect(onBus.Rules?.map((r) => [r.Name, r.EventBusName, r.Arn])).toEqual([
      [
        'smcp-local-read-spike-detected',
        'smcp-local',
        'arn:aws:events:us-east-1:000000000000:rule/smcp-local/smcp-local-read-spike-detected',
      ],
      [
        'smcp-local-replica-scan-requested',
        'smcp-local',
        'arn:aws:events:us-east-1:000000000000:rule/smcp-local/smcp-local-replica-scan-requested',
      ],
      [
        'smcp-local-rotation-requested',
        'smcp-local',
        'arn:aws:events:us-east-1:000000000000:rule/smcp-local/smcp-local-rotation-requested',
      ],
    ]);
    expect(onDefault.Rules?.every((r) => r.EventBusName === 'default')).toBe(true);
    expect(onDefault.Rules?.map((r) => r.Name)).toEqual(
      expect.arrayContaining(['smcp-local-read-log-files', 'smcp-local-execution-failed']),
    );
  });

  it('refuses an entry for a bus that does not exist, and accepts the others of the same call', async () => {
    const out = await t.clients.events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'app', DetailType: 'Ping', Detail: '{}', EventBusName: 'no-such-bus' },
          { Source: 'app', DetailType: 'Ping', Detail: '{}' },
        ],
      }),
    );

    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]).toEqual({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: 'Event bus no-such-bus does not exist.',
    });
    expect(out.Entries?.[1]?.EventId).toBeDefined();
  });
});
