// A failure nobody fixes, found by scan after scan: the replica-repair workflow in the local cloud (`smcp replicas`,
// the dispatcher, Step Functions, every step, DynamoDB and SNS) tells people once, again at once when the failure
// changes, and forgets it once the replicas are repaired or found in sync. (The repeat interval itself is the report step's, tested with a hand-set clock in report-step.test.ts: the
// local cloud's functions run on the machine's time.)
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle } from '../../local/settle.ts';
import { runReplicas } from '../../scripts/cli/replicas.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

let t: TestCloud;
const NAME = 'repeat/unfixed';

/** `smcp replicas NAME` (the one secret), or with `all` a scan of every secret, as the schedule runs it. */
const scan = async (all = false) => {
  const out: string[] = [];
  const code = await runReplicas([...(all ? [] : [NAME]), '--json', '--endpoint', t.cloud.url], {
    out: (line) => out.push(line),
    err: (line) => out.push(line),
    pause: async () => {
      await settle(t.cloud);
    },
  });
  expect(code, out.join('\n')).toBe(0);
  return JSON.parse(out.join('\n')) as { rows: { region: string; class?: string; outcome: string }[] };
};

const escalationsSent = () => t.cloud.sns.outbox().filter((n) => n.Subject?.includes(NAME));
const failedEvents = () =>
  t.cloud.bus
    .recentEvents()
    .filter((e) => e['detail-type'] === 'Replica Repair Failed' && (e.detail as { name?: string }).name === NAME)
    .map((e) => e.detail as { escalated: boolean; escalatedAt?: string });

beforeAll(async () => {
  t = await startTestCloud();
  await t.clients.sm.send(
    new CreateSecretCommand({
      Name: NAME,
      SecretString: JSON.stringify({ password: crypto.randomUUID() }),
      Tags: [{ Key: 'smcp:approval', Value: 'none' }],
    }),
  );
  t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'Failed', cause: 'region-not-enabled' });
}, 120_000);

afterAll(async () => {
  await t?.cloud.stop();
});

describe('replica escalations, scan after scan', () => {
  it('tells people of an unfixed failure once, and again at once when it changes', async () => {
    const first = await scan();
    const second = await scan();
    // The failure changes: the opt-in Region is on now, and another secret holds the name there.
    t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'Failed', cause: 'name-conflict' });
    const third = await scan();

    for (const report of [first, second]) {
      expect(report.rows).toMatchObject([{ region: 'ap-east-1', class: 'region-not-enabled', outcome: 'escalated' }]);
    }
    expect(third.rows).toMatchObject([{ region: 'ap-east-1', class: 'name-conflict', outcome: 'escalated' }]);
    expect(escalationsSent().map((n) => n.Message?.match(/\((region-not-enabled|name-conflict)\)/)?.[1])).toEqual([
      'region-not-enabled',
      'name-conflict',
    ]);
    const [told, heldBack, toldAgain] = failedEvents();
    expect(told).toMatchObject({ escalated: true });
    expect(heldBack).toMatchObject({ escalated: false, escalatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(toldAgain).toMatchObject({ escalated: true });
    expect(toldAgain).not.toHaveProperty('escalatedAt');
    // What was told last, on record in the stack's table.
    const { ARN: arn } = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: NAME }));
    const item = await t.clients.ddb.send(
      new GetItemCommand({ TableName: 'smcp-local-replica-escalations', Key: { secretId: { S: arn ?? '' } } }),
    );
    expect(item.Item?.fingerprint?.S).toBe('ap-east-1:name-conflict:escalated');
  });

  it('forgets what it told once a scan repairs the replicas', async () => {
    // The other secret is gone and the next attempt goes through: a transient failure, replicated again.
    t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'Failed', cause: 'transient' });

    const repaired = await scan();

    expect(repaired.rows).toMatchObject([{ region: 'ap-east-1', outcome: 'repaired' }]);
    const { ARN: arn } = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: NAME }));
    const item = await t.clients.ddb.send(
      new GetItemCommand({ TableName: 'smcp-local-replica-escalations', Key: { secretId: { S: arn ?? '' } } }),
    );
    expect(item.Item).toBeUndefined();
  });

  it('forgets a failure fixed by hand once a scan finds the replicas in sync, so its return is told at once', async () => {
    const record = async () => {
      const { ARN: arn } = await t.clients.sm.send(new DescribeSecretCommand({ SecretId: NAME }));
      const item = await t.clients.ddb.send(
        new GetItemCommand({ TableName: 'smcp-local-replica-escalations', Key: { secretId: { S: arn ?? '' } } }),
      );
      return item.Item;
    };
    const before = escalationsSent().length;
    t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'Failed', cause: 'region-not-enabled' });
    await scan();
    const told = await record();

    // Someone enables the Region and replicates by hand; the schedule's scan of every secret finds it in sync.
    t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'InSync' });
    const everySecret = await scan(true);
    const afterFix = await record();
    t.cloud.secretsmanager.placeReplica(NAME, { region: 'ap-east-1', status: 'Failed', cause: 'region-not-enabled' });
    const back = await scan();

    expect(told?.fingerprint?.S).toBe('ap-east-1:region-not-enabled:escalated');
    expect(everySecret.rows.filter((r) => r.outcome !== 'in-sync')).toEqual([]);
    expect(afterFix).toBeUndefined();
    expect(back.rows).toMatchObject([{ region: 'ap-east-1', class: 'region-not-enabled', outcome: 'escalated' }]);
    expect(escalationsSent().length - before).toBe(2);
    expect(failedEvents().at(-1)).toMatchObject({ escalated: true });
  });
});
