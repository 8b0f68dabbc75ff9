// Where the read pipeline's CloudTrail log files come from (docs/read-anomalies.md, "An existing trail"): the stack's
// own trail and bucket (serverless/reads.yml `ownTrail`), or, with the stage param `readsTrailBucket`, the bucket an
// existing trail of the account or organisation already delivers to, and no trail of the stack's own. CommonJS because
// serverless.yml's ${file(...)} loads JavaScript with require().
//
// Decided when the template is built, not by CloudFormation Conditions: the param is a package-time value either way
// (serverless params are resolved before CloudFormation sees the template), and a template without the trail is one the
// local cloud builds as it is, where Conditions, Fn::If and AWS::NoValue would each need the local stack builder to
// evaluate them like CloudFormation does.

// S3's bucket naming rules (3-63 characters; lower-case letters, digits, dots, hyphens; a letter or digit at each end).
// Checked because the name goes into an Fn::Sub and an IAM resource, where a stray `${` or `*` would change meaning.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// A trail's S3KeyPrefix (CloudTrail: at most 200 characters), in segments of letters, digits, dots, underscores and
// hyphens: it goes into an IAM resource, an Fn::Sub and an EventBridge prefix pattern, where `*`, `?` or `${` would
// change meaning.
const KEY_PREFIX = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
// A key ARN, not an alias: kms:Decrypt is granted on the key's ARN, and IAM does not resolve aliases in Resource.
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * The stage's read trail settings: `bucket` empty means the stack's own trail; `keyPrefix` is what comes before
 * `AWSLogs/` in the log files' keys (`''`, or the trail's S3KeyPrefix and a `/`). Throws on a malformed param.
 */
const settingsOf = async (resolveVariable) => {
  const bucket = String((await resolveVariable("param:readsTrailBucket, ''")) ?? '').trim();
  const kmsKeyArn = String((await resolveVariable("param:readsTrailKmsKeyArn, ''")) ?? '').trim();
  // As `aws cloudtrail describe-trails` shows it; a trailing slash is forgiven (CloudTrail adds the one before AWSLogs/).
  const prefix = String((await resolveVariable("param:readsTrailKeyPrefix, ''")) ?? '')
    .trim()
    .replace(/\/$/, '');
  if (bucket !== '' && !BUCKET_NAME.test(bucket))
    throw new Error(`param readsTrailBucket: ${JSON.stringify(bucket)} is not an S3 bucket name`);
  if (kmsKeyArn !== '' && !KEY_ARN.test(kmsKeyArn))
    throw new Error(
      `param readsTrailKmsKeyArn: ${JSON.stringify(kmsKeyArn)} is not a KMS key ARN (arn:aws:kms:…:key/…)`,
    );
  // The stack's own bucket is SSE-S3: a key names an existing trail's encryption, and without its bucket it is a mistake.
  if (kmsKeyArn !== '' && bucket === '')
    throw new Error('param readsTrailKmsKeyArn is the key of an existing trail: set readsTrailBucket too');
  if (prefix !== '' && (prefix.length > 200 || !KEY_PREFIX.test(prefix)))
    throw new Error(
      `param readsTrailKeyPrefix: ${JSON.stringify(prefix)} is not a trail's S3KeyPrefix (up to 200 letters, digits, '.', '_', '-' and '/')`,
    );
  // The stack's own trail writes without a prefix.
  if (prefix !== '' && bucket === '')
    throw new Error('param readsTrailKeyPrefix is the key prefix of an existing trail: set readsTrailBucket too');
  return { bucket, kmsKeyArn, keyPrefix: prefix === '' ? '' : `${prefix}/` };
};

/** `Resources` of the stack's own trail, bucket and bucket policy, or none with `readsTrailBucket`. */
const resources = async ({ resolveVariable }) => {
  const { bucket } = await settingsOf(resolveVariable);
  return bucket === '' ? await resolveVariable('file(./serverless/reads.yml):ownTrail') : {};
};

/** The trail bucket's name as a template value: the own bucket's Ref, or the existing bucket's name. */
const bucketName = async ({ resolveVariable }) => {
  const { bucket } = await settingsOf(resolveVariable);
  return bucket === '' ? { Ref: 'ReadTrailBucket' } : bucket;
};

/**
 * The trail bucket as Fn::Sub text, for the read-log-files rule (scripts/sls/rules.cjs, `{{readTrailBucket}}`): the
 * own bucket's reference, or the existing bucket's name (no `${` in it: BUCKET_NAME).
 */
const bucketSubText = async (resolveVariable) => {
  const { bucket } = await settingsOf(resolveVariable);
  return bucket === '' ? `\${ReadTrailBucket}` : bucket;
};

/** What comes before `AWSLogs/` in the log files' keys, for the read-log-files rule (`{{readTrailKeyPrefix}}`). */
const keyPrefixText = async (resolveVariable) => (await settingsOf(resolveVariable)).keyPrefix;

/**
 * ingest-reads' grants on the log files, then its others (serverless/reads.yml `ingestReadsGrants`). Its own bucket:
 * GetObject under AWSLogs/ and ListBucket (without it S3 answers a missing key with AccessDenied, not NoSuchKey). An
 * existing trail's bucket: GetObject under [<prefix>/]AWSLogs/ only — the bucket is someone else's, and listing it is
 * not needed to read a file — and, for an SSE-KMS trail, kms:Decrypt on that one key.
 */
const ingestStatements = async ({ resolveVariable }) => {
  const { bucket, kmsKeyArn, keyPrefix } = await settingsOf(resolveVariable);
  const others = await resolveVariable('file(./serverless/reads.yml):ingestReadsGrants');
  const logFiles =
    bucket === ''
      ? [
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': `\${ReadTrailBucket.Arn}/AWSLogs/*` } },
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': ['ReadTrailBucket', 'Arn'] } },
        ]
      : [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject'],
            Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}/${keyPrefix}AWSLogs/*` },
          },
          ...(kmsKeyArn === '' ? [] : [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: kmsKeyArn }]),
        ];
  return [...logFiles, ...others];
};

module.exports = { bucketName, bucketSubText, ingestStatements, keyPrefixText, resources, settingsOf };
