// CloudTrail log files and S3's notices of them, built in the tests from the published record samples
// (test/data/aws-event-samples/, SOURCES.md): gzip of {"Records":[…]} as CloudTrail writes it, and the Object Created
// event the bucket's EventBridge notifications send for it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const SAMPLES = new URL('../data/aws-event-samples/', import.meta.url);

type CloudTrailRecord = Record<string, unknown>;

/** A bare CloudTrail record from the samples (`GetSecretValue`, `DescribeSecret`, `GetSecretValue.AccessDenied`, …). */
const sample = (name: string): CloudTrailRecord =>
  JSON.parse(readFileSync(new URL(`${name}.cloudtrail-record.json`, SAMPLES), 'utf8')) as CloudTrailRecord;

/** A GetSecretValue record of `secretId` by `accessKeyId` of one IAM user at `time`, from the sample. */
const readRecord = (
  eventID: string,
  secretId: string,
  { accessKeyId = 'AKIA1', time = '2026-01-07T10:03:12Z', user = 'arn:aws:iam::000000000000:user/ci-deployer' } = {},
): CloudTrailRecord => {
  const base = sample('GetSecretValue');
  return {
    ...base,
    eventID,
    eventTime: time,
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.0.1',
    userAgent: 'app/1',
    userIdentity: { ...(base.userIdentity as object), arn: user, accessKeyId },
    requestParameters: { secretId },
  };
};

/** A log file's bytes, as CloudTrail writes them: gzip of `{"Records":[…]}`. */
const logFile = (records: readonly unknown[]): Buffer => gzipSync(JSON.stringify({ Records: records }));

const ACCOUNT = '000000000000';

/** A log file's key as CloudTrail names it (`AWSLogs/<account>/CloudTrail/<region>/<date>/<account>_CloudTrail_…`). */
const logFileKey = (suffix = 'AbCdEfGhIjKlMnOp', at = '20260107T1005Z') =>
  `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/${at.slice(0, 4)}/${at.slice(4, 6)}/${at.slice(6, 8)}/${ACCOUNT}_CloudTrail_us-east-1_${at}_${suffix}.json.gz`;

/** S3's Object Created event for `key` in `bucket`, as EventBridge delivers it (keys URL-encoded, as S3 sends them). */
const objectCreated = (bucket: string, key: string, size = 1234) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: ACCOUNT,
  time: '2026-01-07T10:05:30Z',
  region: 'us-east-1',
  resources: [`arn:aws:s3:::${bucket}`],
  detail: {
    version: '0',
    bucket: { name: bucket },
    object: {
      key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'),
      size,
      etag: 'e',
      sequencer: '1',
    },
    'request-id': 'R1',
    requester: 'cloudtrail.amazonaws.com',
    'source-ip-address': '10.0.0.9',
    reason: 'PutObject',
  },
});

export type { CloudTrailRecord };
export { logFile, logFileKey, objectCreated, readRecord, sample };
