// scripts/sls/read-trail.cjs: which trail the read pipeline reads, decided at package time from the stage params.
// Here with a stand-in for serverless's resolveVariable; test/package/ packages the template both ways.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Resolve = (variable: string) => Promise<unknown>;
type Fragment = (input: { resolveVariable: Resolve }) => Promise<unknown>;
const readTrail = createRequire(import.meta.url)('../../scripts/sls/read-trail.cjs') as {
  bucketName: Fragment;
  ingestStatements: Fragment;
  keyPrefixText: (resolveVariable: Resolve) => Promise<string>;
  resources: Fragment;
};

const OWN_TRAIL = { ReadTrail: { Type: 'AWS::CloudTrail::Trail' } };
const OTHER_GRANT = { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'dead-letters' };
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** serverless's resolveVariable for a stage whose params are `params` (unset params take the fragment's default). */
const stage = (
  params: { readsTrailBucket?: string; readsTrailKmsKeyArn?: string; readsTrailKeyPrefix?: string } = {},
) => ({
  resolveVariable: async (variable: string) => {
    if (variable === "param:readsTrailBucket, ''") return params.readsTrailBucket ?? '';
    if (variable === "param:readsTrailKmsKeyArn, ''") return params.readsTrailKmsKeyArn ?? '';
    if (variable === "param:readsTrailKeyPrefix, ''") return params.readsTrailKeyPrefix ?? '';
    if (variable === 'file(./serverless/reads.yml):ownTrail') return OWN_TRAIL;
    if (variable === 'file(./serverless/reads.yml):ingestReadsGrants') return [OTHER_GRANT];
    throw new Error(`unexpected variable ${variable}`);
  },
});

describe('read trail at package time', () => {
  it('keeps the stack’s own trail, bucket and grants when readsTrailBucket is empty', async () => {
    const own = stage();

    expect(await readTrail.resources(own)).toBe(OWN_TRAIL);
    expect(await readTrail.bucketName(own)).toEqual({ Ref: 'ReadTrailBucket' });
    expect(await readTrail.ingestStatements(own)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': '${ReadTrailBucket.Arn}/AWSLogs/*' } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': ['ReadTrailBucket', 'Arn'] } },
      OTHER_GRANT,
    ]);
  });

  it('creates no trail for an existing trail’s bucket, and grants GetObject under its AWSLogs/ only', async () => {
    const existing = stage({ readsTrailBucket: 'org-trail-logs' });

    expect(await readTrail.resources(existing)).toEqual({});
    expect(await readTrail.bucketName(existing)).toBe('org-trail-logs');
    expect(await readTrail.ingestStatements(existing)).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::org-trail-logs/AWSLogs/*' },
      },
      OTHER_GRANT,
    ]);
  });

  it('grants GetObject under the trail’s S3KeyPrefix, and fills the rule’s key prefix with it', async () => {
    for (const prefix of ['org/cloudtrail', 'org/cloudtrail/']) {
      const prefixed = stage({ readsTrailBucket: 'org-trail-logs', readsTrailKeyPrefix: prefix });

      expect(await readTrail.keyPrefixText(prefixed.resolveVariable)).toBe('org/cloudtrail/');
      expect(await readTrail.ingestStatements(prefixed)).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject'],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
          Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::org-trail-logs/org/cloudtrail/AWSLogs/*' },
        },
        OTHER_GRANT,
      ]);
    }
    expect(await readTrail.keyPrefixText(stage({ readsTrailBucket: 'org-trail-logs' }).resolveVariable)).toBe('');
  });

  it('grants kms:Decrypt on the one key of an SSE-KMS trail', async () => {
    const statements = (await readTrail.ingestStatements(
      stage({ readsTrailBucket: 'org-trail-logs', readsTrailKmsKeyArn: KEY }),
    )) as { Action: string[]; Resource: unknown }[];

    expect(statements.filter((s) => s.Action.some((a) => a.startsWith('kms:')))).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY },
    ]);
    expect(statements).toHaveLength(3);
  });

  it('fails the package on a param that is not a bucket name or a key ARN, or a key without a bucket', async () => {
    const fails = (params: Parameters<typeof stage>[0]) => readTrail.ingestStatements(stage(params));

    await expect(fails({ readsTrailBucket: 'Org_Trail' })).rejects.toThrow(
      'param readsTrailBucket: "Org_Trail" is not an S3 bucket name',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: what a stray Fn::Sub variable in the param would look like.
    await expect(fails({ readsTrailBucket: 'logs-${AWS::Region}' })).rejects.toThrow('is not an S3 bucket name');
    await expect(fails({ readsTrailBucket: 'logs/AWSLogs/*' })).rejects.toThrow('is not an S3 bucket name');
    await expect(
      fails({
        readsTrailBucket: 'org-trail-logs',
        readsTrailKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:alias/trail',
      }),
    ).rejects.toThrow('is not a KMS key ARN');
    await expect(fails({ readsTrailKmsKeyArn: KEY })).rejects.toThrow(
      'param readsTrailKmsKeyArn is the key of an existing trail: set readsTrailBucket too',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: what a stray Fn::Sub variable in the param would look like.
    for (const prefix of ['logs/*', 'logs/${AWS::Region}', '/logs', 'a//b', 'x'.repeat(201)]) {
      await expect(fails({ readsTrailBucket: 'org-trail-logs', readsTrailKeyPrefix: prefix })).rejects.toThrow(
        "is not a trail's S3KeyPrefix",
      );
    }
    await expect(fails({ readsTrailKeyPrefix: 'org/cloudtrail' })).rejects.toThrow(
      'param readsTrailKeyPrefix is the key prefix of an existing trail: set readsTrailBucket too',
    );
  });
});
