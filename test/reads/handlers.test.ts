// The Lambda handlers with their SDK clients mocked: what each sends to AWS for a given input.
import 'aws-sdk-client-mock-vitest/extend';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logFile, logFileKey, objectCreated, readRecord, sample } from './log-file-fixtures.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';
const USER = 'arn:aws:iam::000000000000:user/ci-deployer';
const BUCKET = 'smcp-test-read-trail-000000000000-us-east-1';
const STATE = 'smcp-test-read-state-000000000000-us-east-1';
const MINUTE_10_03 = String(Date.parse('2026-01-07T10:03:00Z'));
const sm = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);
const s3 = mockClient(S3Client);
const context = { functionName: 'smcp-test-ingest-reads', awsRequestId: 'req-1' } as Context;

type Handler<I, O> = (event: I, context: Context) => Promise<O>;
let ingest: Handler<SQSEvent, SQSBatchResponse>;
let quarantine: Handler<unknown, { quarantined: string }>;
/** What the function logged, line by line (Powertools' JSON). */
let logged: string[] = [];

const record = (messageId: string, body: unknown): SQSRecord =>
  ({ messageId, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;

/** A message for the log file at `key` of the trail bucket. */
const notice = (messageId: string, key: string) => record(messageId, objectCreated(BUCKET, key));

/** The trail bucket holds these log files (key → records); any other key is NoSuchKey. */
const bucketHolds = (files: Record<string, unknown[] | Buffer>) =>
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const file = input.Bucket === BUCKET ? files[input.Key] : undefined;
    if (!file) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: Readable.from([Buffer.isBuffer(file) ? file : logFile(file)]) };
  });

/** The read objects ingest-reads wrote to the state bucket, in order: key and contents. */
const written = () =>
  s3.commandCalls(PutObjectCommand).map((c) => ({
    key: c.args[0].input.Key ?? '',
    bucket: c.args[0].input.Bucket,
    object: JSON.parse(gunzipSync(c.args[0].input.Body as Buffer).toString('utf8')) as {
      secrets: Record<string, Record<string, { n: number; p: Record<string, number> }>>;
      ids: string;
    },
  }));

const deadLetters = () =>
  sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody ?? '{}'));

beforeAll(async () => {
  vi.stubEnv('READ_STATE_BUCKET', STATE);
  vi.stubEnv('READ_TRAIL_BUCKET', BUCKET);
  vi.stubEnv('READ_ACCOUNT_ID', '000000000000');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', 'http://127.0.0.1:1/000000000000/dead-letters');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  ingest = (await import('../../functions/reads/handlers/ingest.ts')).handler as never;
  quarantine = (await import('../../functions/reads/handlers/quarantine.ts')).handler as never;
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  sm.reset();
  sqs.reset();
  s3.reset();
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  s3.on(PutObjectCommand).resolves({ ETag: '"1"' });
  sm.on(DescribeSecretCommand).resolves({ ARN });
  sqs.on(SendMessageCommand).resolves({});
  logged = [];
  const keep = (text: unknown) => {
    logged.push(String(text));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(console, 'info').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
  vi.spyOn(console, 'error').mockImplementation(keep);
  vi.spyOn(console, 'debug').mockImplementation(keep);
});

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';

describe('ingest-reads handler', () => {
  it('reads each notified log file and writes its reads as one object per hour, with their principals', async () => {
    const first = logFileKey('AAAAAAAAAAAAAAA1');
    const second = logFileKey('AAAAAAAAAAAAAAA2');
    bucketHolds({
      [first]: [readRecord(A, 'app/db'), sample('DescribeSecret'), readRecord(B, ARN)],
      [second]: [readRecord(C, 'app/db', { accessKeyId: 'AKIA2' }), sample('PutResourcePolicy')],
    });

    const response = await ingest({ Records: [notice('m-1', first), notice('m-2', second)] }, context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: second });
    expect(sm).toHaveReceivedCommandTimes(DescribeSecretCommand, 1);
    // Each file its own object (written once, never updated), under the hour and minutes it covers.
    const objects = written();
    expect(objects.map((o) => o.bucket)).toEqual([STATE, STATE]);
    expect(objects.map((o) => o.key)).toEqual([
      expect.stringMatching(/^reads\/2026\/01\/07\/10\/03-03-[0-9a-f]{32}\.json\.gz$/),
      expect.stringMatching(/^reads\/2026\/01\/07\/10\/03-03-[0-9a-f]{32}\.json\.gz$/),
    ]);
    expect(objects[0]?.key).not.toBe(objects[1]?.key);
    expect(objects[0]?.object.secrets[ARN]?.[MINUTE_10_03]).toMatchObject({ n: 2, p: { [`${USER}|AKIA1`]: 2 } });
    expect(objects[1]?.object.secrets[ARN]?.[MINUTE_10_03]).toMatchObject({ n: 1, p: { [`${USER}|AKIA2`]: 1 } });
    expect(objects[0]?.object.ids).toBe('11111111111141112222222222224222');
    const summary = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'Reads ingested');
    expect(summary).toMatchObject({ files: 2, records: 5, reads: 3, counted: 3, skipped: 2, malformed: 0 });
  });

  it('counts failed reads, skips BatchGetSecretValue itself and reads that name no secret', async () => {
    const batch = {
      ...readRecord(B, ARN),
      eventName: 'BatchGetSecretValue',
      requestParameters: { secretIdList: [ARN] },
    };
    const denied = {
      ...sample('GetSecretValue.AccessDenied'),
      eventTime: '2026-01-07T10:03:40Z',
      requestParameters: { secretId: ARN },
    };
    bucketHolds({ [logFileKey()]: [denied, batch, { ...readRecord(C, ARN), requestParameters: null }] });

    await ingest({ Records: [notice('m-1', logFileKey())] }, context);

    expect(written().map((o) => o.object.secrets[ARN]?.[MINUTE_10_03]?.n)).toEqual([1]);
  });

  it('counts nothing again for reads another log file counted (CloudTrail delivering an event twice)', async () => {
    const elsewhere = 'reads/2026/01/07/10/03-03-00000000000000000000000000000000.json.gz';
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: elsewhere, ETag: '"9"' }] });
    bucketHolds({ [logFileKey()]: [readRecord(A, ARN)] });
    s3.on(GetObjectCommand, { Bucket: STATE, Key: elsewhere }).resolves({
      Body: Object.assign(Readable.from([]), {
        transformToByteArray: async () =>
          new Uint8Array(gzipSync(JSON.stringify({ version: 1, source: 'x', secrets: {}, ids: '1111111111114111' }))),
      }),
    } as never);

    await ingest({ Records: [notice('m-1', logFileKey())] }, context);

    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
    const summary = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'Reads ingested');
    expect(summary).toMatchObject({ reads: 1, counted: 0, duplicates: 1 });
  });

  it('writes the same object again for a file read again, and counts nothing new', async () => {
    bucketHolds({ [logFileKey()]: [readRecord(A, ARN)] });
    await ingest({ Records: [notice('m-1', logFileKey())] }, context);
    const [first] = written();
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: first?.key, ETag: '"1"' }] });

    await ingest({ Records: [notice('m-2', logFileKey())] }, context);

    const [, again] = written();
    expect(again?.key).toBe(first?.key);
    expect(again?.object).toEqual(first?.object);
    const summaries = logged.map((l) => JSON.parse(l)).filter((l) => l.message === 'Reads ingested');
    expect(summaries.map((s) => s.counted)).toEqual([1, 0]);
  });

  it('returns the log files of a failed write to the queue, and only those', async () => {
    const other = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:other-ZyXwVu';
    s3.on(PutObjectCommand).callsFake(async (input: { Body: Buffer }) => {
      if (gunzipSync(input.Body).toString('utf8').includes(other))
        throw Object.assign(new Error('Reduce your rate'), { name: 'SlowDown' });
      return { ETag: '"1"' };
    });
    bucketHolds({ [logFileKey('AAAAAAAAAAAAAAA1')]: [readRecord(A, ARN)], [logFileKey()]: [readRecord(B, other)] });

    const response = await ingest(
      { Records: [notice('m-1', logFileKey('AAAAAAAAAAAAAAA1')), notice('m-2', logFileKey())] },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('returns a file S3 could not serve now to the queue, and counts the others', async () => {
    const slow = logFileKey('SLOWSLOWSLOWSLOW');
    bucketHolds({ [logFileKey()]: [readRecord(A, ARN)] });
    s3.on(GetObjectCommand, { Key: slow }).rejects(Object.assign(new Error('Reduce your rate'), { name: 'SlowDown' }));

    const response = await ingest({ Records: [notice('m-1', slow), notice('m-2', logFileKey())] }, context);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(written().map((o) => o.object.secrets[ARN]?.[MINUTE_10_03]?.n)).toEqual([1]);
    expect(deadLetters()).toEqual([]);
  });

  it('dead-letters a file that is gone or not a log file, naming bucket, key and reason, and never retries it', async () => {
    const gone = logFileKey('GONEGONEGONEGONE');
    const plain = logFileKey('PLAINPLAINPLAIN1');
    const text = logFileKey('TEXTTEXTTEXTTEXT');
    bucketHolds({
      [plain]: Buffer.from('{"Records":[{"secretString":"canary-value-1"}]}'),
      [text]: logFile([]).subarray(0, 10),
    });

    const response = await ingest(
      { Records: [notice('m-1', gone), notice('m-2', plain), notice('m-3', text)] },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters()).toEqual([
      { source: 'ingest-reads', messageId: 'm-1', reason: 'The log file does not exist', bucket: BUCKET, key: gone },
      { source: 'ingest-reads', messageId: 'm-2', reason: 'not gzip', bucket: BUCKET, key: plain },
      { source: 'ingest-reads', messageId: 'm-3', reason: 'not gzip', bucket: BUCKET, key: text },
    ]);
    expect(logged.join('\n')).not.toContain('canary-value-1');
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('counts none of a file that breaks off halfway', async () => {
    const text = JSON.stringify({ Records: [readRecord(A, ARN), readRecord(B, ARN)] });
    bucketHolds({ [logFileKey()]: gzipSync(text.slice(0, -40)) });

    await ingest({ Records: [notice('m-1', logFileKey())] }, context);

    expect(deadLetters()).toEqual([expect.objectContaining({ messageId: 'm-1', reason: 'not JSON' })]);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('dead-letters a message that is not an S3 notice, or names another bucket; skips objects that are not log files', async () => {
    const digest =
      'AWSLogs/000000000000/CloudTrail-Digest/us-east-1/2026/01/07/000000000000_CloudTrail-Digest_us-east-1_t_us-east-1_20260107T100500Z.json.gz';

    const response = await ingest(
      {
        Records: [
          record('m-1', 'not json'),
          record('m-2', { ...objectCreated(BUCKET, logFileKey()), source: 'aws.secretsmanager' }),
          record('m-3', objectCreated('someone-elses-bucket', logFileKey())),
          notice('m-4', digest),
        ],
      },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(deadLetters()).toEqual([
      expect.objectContaining({ messageId: 'm-1', reason: 'Body is not JSON', body: 'not json' }),
      expect.objectContaining({ messageId: 'm-2', reason: 'Not an S3 Object Created event' }),
      {
        source: 'ingest-reads',
        messageId: 'm-3',
        reason: 'Not the trail bucket',
        bucket: 'someone-elses-bucket',
        key: logFileKey(),
      },
    ]);
  });

  it('reads an organisation trail’s log files of this account and region, and none of other accounts or regions', async () => {
    const org = (account: string, region: string) =>
      `AWSLogs/o-aa111bb222/${account}/CloudTrail/${region}/2026/01/07/${account}_CloudTrail_${region}_20260107T1005Z_AbCdEfGhIjKlMnOp.json.gz`;
    const ours = org('000000000000', 'us-east-1');
    const otherAccount = org('111122223333', 'us-east-1');
    const otherRegion = logFileKey().replaceAll('us-east-1', 'eu-west-1');
    // Were they read, their reads by name would be counted against this region's secret of that name.
    bucketHolds({
      [ours]: [readRecord(A, ARN)],
      [otherAccount]: [readRecord(B, 'app/db')],
      [otherRegion]: [readRecord(C, 'app/db')],
    });

    const response = await ingest(
      { Records: [notice('m-1', ours), notice('m-2', otherAccount), notice('m-3', otherRegion)] },
      context,
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual([ours]);
    expect(written().map((o) => o.object.secrets[ARN]?.[MINUTE_10_03]?.n)).toEqual([1]);
    expect(deadLetters()).toEqual([]);
    const summary = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'Reads ingested');
    expect(summary).toMatchObject({ files: 1, reads: 1, counted: 1, elsewhere: 2, deadLettered: 0 });
  });

  it('skips digest files, an account trail’s and an organisation trail’s, without reading them or an error', async () => {
    const digests = [
      'AWSLogs/000000000000/CloudTrail-Digest/us-east-1/2026/01/07/000000000000_CloudTrail-Digest_us-east-1_trail_us-east-1_20260107T100500Z.json.gz',
      'AWSLogs/o-aa111bb222/000000000000/CloudTrail-Digest/us-east-1/2026/01/07/000000000000_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20260107T100500Z.json.gz',
    ];

    const response = await ingest({ Records: digests.map((key, i) => notice(`m-${i}`, key)) }, context);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
    expect(deadLetters()).toEqual([]);
    const summary = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'Reads ingested');
    expect(summary).toMatchObject({ files: 0, otherObjects: 2, deadLettered: 0, malformed: 0, failed: 0 });
  });

  it('counts only Secrets Manager’s GetSecretValue among the data events and every other service’s events a trail holds', async () => {
    const record = (eventSource: string, eventName: string, extra: Record<string, unknown> = {}) => ({
      ...readRecord(crypto.randomUUID(), ARN),
      eventSource,
      eventName,
      ...extra,
    });
    bucketHolds({
      [logFileKey()]: [
        readRecord(A, ARN),
        // Data events: S3 objects, Lambda invocations.
        record('s3.amazonaws.com', 'GetObject', { managementEvent: false, eventCategory: 'Data', readOnly: true }),
        record('lambda.amazonaws.com', 'Invoke', { managementEvent: false, eventCategory: 'Data' }),
        // The KMS Decrypt that accompanies a read, another service's read, Secrets Manager's other calls.
        record('kms.amazonaws.com', 'Decrypt'),
        record('ssm.amazonaws.com', 'GetSecretValue'),
        record('secretsmanager.amazonaws.com', 'ListSecrets'),
        sample('DescribeSecret'),
        sample('PutResourcePolicy'),
        sample('CreateSecret'),
      ],
    });

    await ingest({ Records: [notice('m-1', logFileKey())] }, context);

    expect(written().map((o) => o.object.secrets[ARN]?.[MINUTE_10_03])).toEqual([expect.objectContaining({ n: 1 })]);
    const summary = logged.map((l) => JSON.parse(l)).find((l) => l.message === 'Reads ingested');
    expect(summary).toMatchObject({ records: 9, reads: 1, counted: 1, skipped: 8, malformed: 0 });
  });

  it('reads the key S3 URL-encoded in its notice', async () => {
    const key = `trail logs/${logFileKey()}`;
    bucketHolds({ [key]: [readRecord(A, ARN)] });

    await ingest({ Records: [notice('m-1', key)] }, context);

    expect(objectCreated(BUCKET, key).detail.object.key).toMatch(/^trail\+logs\//);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: key });
  });
});

describe('read-anomaly-quarantine handler', () => {
  it('merges a Deny for the principal into the secret’s policy', async () => {
    const existing = { Version: '2012-10-17', Statement: [{ Sid: 'Keep', Effect: 'Allow', Principal: '*' }] };
    sm.on(GetResourcePolicyCommand).resolves({ ResourcePolicy: JSON.stringify(existing) });
    sm.on(PutResourcePolicyCommand).resolves({});

    await quarantine({ secretId: ARN, principal: USER }, context);

    const sent = sm.commandCalls(PutResourcePolicyCommand)[0]?.args[0].input;
    expect(sent?.BlockPublicPolicy).toBe(true);
    expect(JSON.parse(sent?.ResourcePolicy ?? '{}').Statement).toEqual([
      existing.Statement[0],
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: USER } }),
    ]);
  });

  it('rethrows throttling as TransientAwsError, the one name the workflow retries', async () => {
    sm.on(GetResourcePolicyCommand).rejects(
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
    );

    await expect(quarantine({ secretId: ARN, principal: USER }, context)).rejects.toThrow(
      expect.objectContaining({ name: 'TransientAwsError' }),
    );
    expect(sm).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
  });

  it('refuses to deny the account root', async () => {
    await expect(quarantine({ secretId: ARN, principal: 'arn:aws:iam::000000000000:root' }, context)).rejects.toThrow(
      expect.objectContaining({ name: 'QuarantineRefusedError' }),
    );
    expect(sm).toHaveReceivedCommandTimes(PutResourcePolicyCommand, 0);
  });
});
