// The read pipeline on an existing trail that writes under an S3KeyPrefix (stage params readsTrailBucket and
// readsTrailKeyPrefix, docs/read-anomalies.md): its log files are `<prefix>/AWSLogs/…`. The bucket and the trail are
// the test's, made through the local cloud as an operator's would be; the stack is built from serverless.yml with
// the params, as `serverless package` builds it.
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNamed } from '../../scripts/cli/stack.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { logFile, readRecord } from './log-file-fixtures.ts';
import { countedMinutes, createSecret, reader, readFor } from './support.ts';

const BUCKET = 'shared-trail-logs-000000000000';
const PREFIX = 'security/cloudtrail';
let t: TestCloud;
const logged: Record<string, unknown>[] = [];
const summaries = () => logged.filter((l) => l.message === 'Reads ingested');

beforeAll(async () => {
  t = await startTestCloud({
    start: '2026-01-05T09:00:10Z',
    params: { readsTrailBucket: BUCKET, readsTrailKeyPrefix: PREFIX },
    trails: [
      {
        name: 'prefixed-trail',
        bucket: BUCKET,
        keyPrefix: PREFIX,
        isLogging: true,
        multiRegion: true,
        selectors: [{ readWriteType: 'ReadOnly', excludedSources: [] }],
      },
    ],
    logLevel: 'DEBUG',
    functionLogs: {
      onLine: (functionName, line) => {
        if (functionName === functionNamed(t.cloud.stack, 'ingest-reads')) logged.push(JSON.parse(line));
      },
    },
  });
  await t.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await t.clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: BUCKET,
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    }),
  );
});
afterAll(async () => t?.cloud.stop());

describe('the read pipeline on an existing trail with an S3KeyPrefix', () => {
  it('matches and grants the log files under the prefix only', () => {
    const rule = t.cloud.stack.rules.find((r) => r.name.endsWith('-read-log-files'));

    expect(JSON.stringify(rule?.eventPattern)).toContain(`"prefix":"${PREFIX}/AWSLogs/000000000000/CloudTrail/`);
    expect(JSON.stringify(rule?.eventPattern)).toContain(`"wildcard":"${PREFIX}/AWSLogs/o-*/000000000000/CloudTrail/`);
  });

  it('counts the reads the trail delivers under its prefix, and nothing of a file outside it', async () => {
    const arn = await createSecret(t, 'prefixed/db');
    await readFor(reader(t, 'AKIAAPPSERVER0000001'), arn, 3);

    const keys = await t.cloud.cloudTrail.deliver();
    // A log file of the same account and region, but not under the trail's prefix: not the trail's, not read.
    const at = t.clock.now().toISOString();
    const stamp = `${at.slice(0, 10).replaceAll('-', '')}T${at.slice(11, 13)}${at.slice(14, 16)}Z`;
    await t.clients.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: `AWSLogs/000000000000/CloudTrail/us-east-1/${at.slice(0, 10).replaceAll('-', '/')}/000000000000_CloudTrail_us-east-1_${stamp}_Unprefixed000001.json.gz`,
        Body: logFile([readRecord('44444444-4444-4444-8444-444444444444', arn, { time: at.replace(/\.\d+Z$/, 'Z') })]),
      }),
    );
    await t.cloud.whenIdle();

    expect(keys).toEqual([expect.stringMatching(new RegExp(`^${PREFIX}/AWSLogs/000000000000/CloudTrail/us-east-1/`))]);
    expect((await countedMinutes(t, arn)).map((m) => m.n)).toEqual([3]);
    expect(summaries()).toHaveLength(1);
    expect(summaries()[0]).toMatchObject({ files: 1, reads: 3, counted: 3 });
  });
});
