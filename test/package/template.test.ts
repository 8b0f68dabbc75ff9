// Packages the service exactly as a deploy would (no AWS credentials needed) and checks the template.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

type Resource = { Type: string; Properties: Record<string, unknown> };
let dir: string;
let resources: Record<string, Resource>;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

const getAttTarget = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

const statements = (): { role: string; Action: string | string[] }[] =>
  ofType('AWS::IAM::Role').flatMap(([role, r]) =>
    ((r.Properties.Policies as { PolicyDocument: { Statement: { Action: string | string[] }[] } }[]) ?? []).flatMap(
      (policy) => policy.PolicyDocument.Statement.map((s) => ({ role, Action: s.Action })),
    ),
  );

/** `serverless package` of the test stage into `into`, with `params` (`--param`); the template's text. */
const packageService = async (into: string, params: Record<string, string> = {}, temp = tmpdir()) => {
  const paramArgs = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  await run('npx', ['serverless', 'package', '--stage', 'test', '--package', into, ...paramArgs], {
    cwd: ROOT,
    env: {
      ...process.env,
      TMPDIR: temp,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: 'smcp-no-such-profile',
    },
  });
  return readFileSync(join(into, 'cloudformation-template-update-stack.json'), 'utf8');
};

// The packaging's temporary directory, to see what it leaves there.
let temp: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smcp-package-'));
  temp = mkdtempSync(join(tmpdir(), 'smcp-package-temp-'));
  resources = JSON.parse(await packageService(dir, {}, temp)).Resources;
}, 180_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
});

describe('serverless package', () => {
  it('leaves nothing in the temporary directory (serverless-esbuild leaks a staging directory per zip otherwise)', () => {
    // Node's module compile cache (one directory, reused by every run) is all that may be there.
    expect(readdirSync(temp).filter((entry) => entry !== 'node-compile-cache')).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.zip')).length).toBeGreaterThan(30);
  });
});

describe('packaged CloudFormation template', () => {
  it('runs every function on nodejs24.x with a role of its own', () => {
    const functions = ofType('AWS::Lambda::Function');

    expect(functions.length).toBeGreaterThan(0);
    const roles = functions.map(([, fn]) => getAttTarget(fn.Properties.Role));
    for (const [name, fn] of functions) {
      expect(fn.Properties.Runtime, name).toBe('nodejs24.x');
      expect(getAttTarget(fn.Properties.Role), name).toBe(name.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'));
    }
    expect(new Set(roles).size).toBe(functions.length);
  });

  it('grants no wildcard actions and never secretsmanager:*', () => {
    const actions = statements().flatMap((s) => [s.Action].flat().map((action) => ({ role: s.role, action })));

    expect(actions.length).toBeGreaterThan(0);
    for (const { role, action } of actions) {
      expect(action, role).not.toBe('*');
      expect(action, role).not.toMatch(/^[a-z0-9-]+:\*$/);
    }
  });

  it('lets no cleanup function read a secret value, and lets it delete only with a recovery window', () => {
    type Statement = { Effect: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
    const roles = ofType('AWS::IAM::Role').filter(
      ([id]) => id.startsWith('Cleanup') && id.endsWith('IamRoleLambdaExecution'),
    );
    const statementsOf = (r: Resource) =>
      ((r.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
        (policy) => policy.PolicyDocument.Statement,
      );
    const actions = (s: Statement) => [s.Action].flat();

    expect(roles.map(([id]) => id).sort()).toEqual(
      ['Continue', 'Delete', 'Mark', 'Plan', 'Record', 'ScanPage', 'Unmark'].map(
        (f) => `Cleanup${f}IamRoleLambdaExecution`,
      ),
    );
    for (const [, role] of roles) {
      for (const statement of statementsOf(role)) {
        expect(actions(statement)).not.toContain('secretsmanager:GetSecretValue');
        expect(actions(statement)).not.toContain('secretsmanager:BatchGetSecretValue');
      }
    }
    const deletes = statementsOf(resources.CleanupDeleteIamRoleLambdaExecution as Resource).filter((s) =>
      actions(s).includes('secretsmanager:DeleteSecret'),
    );
    expect(deletes).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Condition: { NumericGreaterThanEquals: { 'secretsmanager:RecoveryWindowInDays': 7 } },
      }),
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'secretsmanager:ForceDeleteWithoutRecovery': 'true' } },
      }),
    ]);
  });

  it('points every rule at a target that exists, with permission to invoke it', () => {
    const rules = ofType('AWS::Events::Rule');
    const permissions = ofType('AWS::Lambda::Permission').map(([, p]) => getAttTarget(p.Properties.SourceArn));

    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const [name, rule] of rules) {
      const targets = rule.Properties.Targets as { Arn: unknown; DeadLetterConfig?: { Arn: unknown } }[];
      expect(targets.length, name).toBeGreaterThan(0);
      for (const target of targets) {
        const targetId = getAttTarget(target.Arn);
        expect(resources[targetId ?? ''], `${name} → ${targetId}`).toBeDefined();
        expect(resources[getAttTarget(target.DeadLetterConfig?.Arn) ?? ''], `${name} dead letters`).toBeDefined();
        if (resources[targetId ?? '']?.Type === 'AWS::Lambda::Function') expect(permissions, name).toContain(name);
      }
    }
  });

  it('wraps each dispatch rule’s event with the rule name', () => {
    const rule = resources.RuleRotationRequested as Resource;

    const [target] = rule.Properties.Targets as { InputTransformer: { InputTemplate: string } }[];
    expect(target?.InputTransformer.InputTemplate).toBe(
      '{"rule":"rotation-requested","event":<aws.events.event.json>}',
    );
  });

  it('puts the control plane’s own events on its bus, whose policy denies PutEvents to every principal but the stack’s roles', () => {
    const [[busId, bus] = ['', undefined], ...otherBuses] = ofType('AWS::Events::EventBus');
    const policies = ofType('AWS::Events::EventBusPolicy');

    expect(otherBuses).toEqual([]);
    expect(bus?.Properties.Name).toBe('smcp-test');
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0] ?? [];
    expect(policy?.Properties).toMatchObject({
      EventBusName: { Ref: busId },
      Statement: {
        Effect: 'Deny',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [busId, 'Arn'] },
        // The test stage names no operators: only the stack's roles, recognised by their IAM path.
        Condition: {
          ArnNotLike: {
            // CloudFormation's Fn::Sub placeholders, not a template literal.
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub syntax
            'aws:PrincipalArn': [{ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/smcp/test/*' }],
          },
        },
      },
    });
  });

  it('gives every role that may put events the path the bus policy admits, and points every grant at that bus', () => {
    const putters = ofType('AWS::IAM::Role').filter(([, role]) =>
      JSON.stringify(role.Properties.Policies ?? []).includes('events:PutEvents'),
    );

    // Functions (detect-spikes, the reports, the approvals) and the read-anomaly workflow's state machine.
    expect(putters.length).toBeGreaterThanOrEqual(5);
    expect(putters.map(([id]) => id)).toContain('ReadAnomalyResponseStateMachineRole');
    for (const [id, role] of putters) {
      expect(role.Properties.Path, id).toBe('/smcp/test/');
      const grants = (
        role.Properties.Policies as { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } }[]
      )
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s) => [s.Action].flat().includes('events:PutEvents'));
      for (const grant of grants) {
        const text = JSON.stringify(grant.Resource);
        expect(text.includes('event-bus/smcp-test') || text.includes('"eventBus":"smcp-test"'), `${id}: ${text}`).toBe(
          true,
        );
        expect(text, id).not.toContain('event-bus/default');
      }
    }
    // Every role of the stack is under the path, so a function any area adds is admitted without a policy edit.
    for (const [id, role] of ofType('AWS::IAM::Role')) expect(role.Properties.Path, id).toBe('/smcp/test/');
  });

  it('binds the rules for smcp events to the control plane’s bus and leaves AWS events and schedules on the default bus', () => {
    const rules = ofType('AWS::Events::Rule');
    const busId = ofType('AWS::Events::EventBus')[0]?.[0];

    for (const [id, rule] of rules) {
      const sources = ((rule.Properties.EventPattern as { source?: string[] } | undefined)?.source ?? []).join();
      if (sources === 'smcp') expect(rule.Properties.EventBusName, id).toEqual({ Ref: busId });
      else expect(rule.Properties.EventBusName, id).toBeUndefined();
    }
    expect(
      rules
        .filter(([, r]) => r.Properties.EventBusName)
        .map(([id]) => id)
        .sort(),
    ).toEqual(['RuleReadSpikeDetected', 'RuleReplicaScanRequested', 'RuleRotationRequested']);
    // Step Functions puts its Execution Status Change events on the default bus: the failure alert's rule listens there,
    // for this stack's state machines only (an Fn::Sub of its ARN prefix), the alert's own executions left out.
    const failed = resources.RuleExecutionFailed as Resource;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    const arns = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}';
    expect(failed.Properties.EventBusName).toBeUndefined();
    expect(failed.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [{ prefix: { 'Fn::Sub': `${arns}:stateMachine:smcp-test-` } }],
        executionArn: [{ 'anything-but': { prefix: { 'Fn::Sub': `${arns}:execution:smcp-test-failure-alert:` } } }],
      },
    });
    // Rules on either bus may park undeliverable events in the dead-letter queue.
    const dlq = resources.DeadLetterQueuePolicy?.Properties as {
      PolicyDocument: { Statement: { Condition: unknown }[] };
    };
    expect(JSON.stringify(dlq.PolicyDocument.Statement[0]?.Condition)).toContain(':rule/smcp-test/smcp-test-*');
    // The workflows' own putEvents tasks name the bus too.
    const definitions = JSON.stringify(
      ofType('AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties.DefinitionString),
    );
    expect(definitions).toContain('EventBusName\\": \\"smcp-test\\"');
    expect(definitions).not.toContain('EventBusName\\": \\"default\\"');
  });

  it('reads reads from the stack’s own trail: bucket, policy, trail, rule, queue and ingest-reads’ grants', () => {
    const props = (id: string) => (resources[id] as Resource).Properties;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    const trailArn = 'arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/smcp-test-read-trail';

    expect(props('ReadTrailBucket')).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      BucketName: { 'Fn::Sub': 'smcp-test-read-trail-${AWS::AccountId}-${AWS::Region}' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', ExpirationInDays: 8 }] },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    const statements = (props('ReadTrailBucketPolicy').PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements.map((st) => [st.Sid, st.Effect, st.Action])).toEqual([
      ['AWSCloudTrailAclCheck', 'Allow', 's3:GetBucketAcl'],
      ['AWSCloudTrailWrite', 'Allow', 's3:PutObject'],
      ['DenyLogFilesNotFromCloudTrail', 'Deny', 's3:PutObject'],
      ['DenyInsecureTransport', 'Deny', 's3:*'],
    ]);
    for (const allow of statements.slice(0, 2))
      expect(JSON.stringify(allow.Condition)).toContain(JSON.stringify({ 'Fn::Sub': trailArn }));
    expect(resources.ReadTrail).toMatchObject({
      DependsOn: ['ReadTrailBucketPolicy'],
      Properties: {
        TrailName: 'smcp-test-read-trail',
        S3BucketName: { Ref: 'ReadTrailBucket' },
        IsLogging: true,
        IsMultiRegionTrail: false,
        EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }],
      },
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    const here = '${AWS::AccountId}/CloudTrail/${AWS::Region}';
    expect(props('RuleReadLogFiles')).toMatchObject({
      EventPattern: {
        source: ['aws.s3'],
        detail: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
          bucket: { name: [{ 'Fn::Sub': '${ReadTrailBucket}' }] },
          // This account's and region's log files, in an account trail's layout or an organisation trail's.
          object: {
            key: [{ prefix: { 'Fn::Sub': `AWSLogs/${here}/` } }, { wildcard: { 'Fn::Sub': `AWSLogs/o-*/${here}/*` } }],
          },
        },
      },
      Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': ['ReadLogFilesQueue', 'Arn'] } })],
    });
    expect(JSON.stringify(props('ReadLogFilesQueuePolicy'))).toContain(
      '{"ArnEquals":{"aws:SourceArn":{"Fn::GetAtt":["RuleReadLogFiles","Arn"]}}}',
    );
    expect(resources.RuleReadEvents).toBeUndefined();
    // ingest-reads reads the trail bucket's log files (and may list it, for NoSuchKey); no key: the bucket is SSE-S3.
    const policies = props('IngestDashreadsIamRoleLambdaExecution').Policies as {
      PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
    }[];
    const trailGrants = policies
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((st) => JSON.stringify(st).match(/ReadTrailBucket|kms:/));
    expect(trailGrants).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': '${ReadTrailBucket.Arn}/AWSLogs/*' } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': ['ReadTrailBucket', 'Arn'] } },
    ]);
    // ingest-reads takes the queue at most five instances at once: a backlog cannot take the account's concurrency.
    const mapping = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties.EventSourceArn) === '{"Fn::GetAtt":["ReadLogFilesQueue","Arn"]}',
    );
    expect(mapping?.Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    // ingest-reads writes only its read objects, never into the trail's bucket.
    const puts = policies.flatMap((p) => p.PolicyDocument.Statement).filter((st) => st.Action.includes('s3:PutObject'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    expect(puts.map((st) => st.Resource)).toEqual([{ 'Fn::Sub': '${ReadStateBucket.Arn}/reads/*' }]);
  });

  it('keeps the read counters and the detectors in the stack’s state bucket, the counters for 8 days', () => {
    const props = (id: string) => (resources[id] as Resource).Properties;
    expect(props('ReadStateBucket')).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      BucketName: { 'Fn::Sub': 'smcp-test-read-state-${AWS::AccountId}-${AWS::Region}' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', Prefix: 'reads/', ExpirationInDays: 8 }] },
    });
    const statements = (props('ReadStateBucketPolicy').PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements.map((st) => [st.Sid, st.Effect])).toEqual([['DenyInsecureTransport', 'Deny']]);
    expect(resources.ReadCountersTable).toBeUndefined();
    expect(resources.ReadDetectorTable).toBeUndefined();
    const detect = JSON.stringify(props('DetectDashspikesIamRoleLambdaExecution').Policies);
    expect(detect).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      '{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":{"Fn::Sub":"${ReadStateBucket.Arn}/detectors/*"}}',
    );
    expect(detect).not.toContain('dynamodb:');
  });

  it('ships a dispatch bundle that loads on Node 24 and calls Step Functions over HTTP', async () => {
    const unpacked = join(dir, 'dispatch');
    await run('unzip', ['-q', '-o', join(dir, 'dispatch.zip'), '-d', unpacked]);
    const requests: { target: string; body: { name: string; stateMachineArn: string } }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        requests.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y', startDate: 1 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = `
      const { handler } = await import(${JSON.stringify(join(unpacked, 'functions/dispatch/handlers/dispatch.mjs'))});
      const event = { version: '0', id: 'e-1', 'detail-type': 'Rotation Requested', source: 'smcp', account: '000000000000',
        time: '2026-11-23T10:00:00Z', region: 'us-east-1', resources: [], detail: { secretId: 'db' } };
      console.log(JSON.stringify(await handler({ rule: 'rotation-requested', event }, {})));`;

    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          PATH: process.env.PATH,
          AWS_ENDPOINT_URL: url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:us-east-1:000000000000:stateMachine:smcp-test-',
          DEAD_LETTER_QUEUE_URL: `${url}/000000000000/dead-letters`,
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      });

      expect(stdout).toContain('"status":"started"');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({
        target: 'AWSStepFunctions.StartExecution',
        body: { name: 'e-1', stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:smcp-test-rotation' },
      });
    } finally {
      server.close();
    }
  });
});

// The same service with the stage params that point the read pipeline at an existing trail's bucket (a trail writing
// under an S3KeyPrefix): no trail, no trail bucket, no policy of the stack's own; the rule and ingest-reads on that
// bucket and prefix, their grants scoped to them.
describe('packaged CloudFormation template with readsTrailBucket', () => {
  const BUCKET = 'org-trail-logs-111122223333';
  const PREFIX = 'security/cloudtrail';
  const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
  let existingDir: string;
  let template: string;
  let existing: Record<string, Resource>;
  const idsOf = (type: string) =>
    Object.entries(existing)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => id)
      .sort();
  const statementsOf = (roleId: string): Statement[] =>
    ((existing[roleId]?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );

  // After the default package, not beside it: serverless-esbuild builds in the service's .esbuild/, and two packages
  // at once overwrite each other's bundles.
  beforeAll(async () => {
    existingDir = mkdtempSync(join(tmpdir(), 'smcp-package-trail-'));
    template = await packageService(existingDir, {
      readsTrailBucket: BUCKET,
      readsTrailKmsKeyArn: KEY,
      readsTrailKeyPrefix: PREFIX,
    });
    existing = JSON.parse(template).Resources;
  }, 180_000);
  afterAll(() => rmSync(existingDir, { recursive: true, force: true }));

  it('creates no trail, no trail bucket and no trail bucket policy, and refers to none', () => {
    expect(idsOf('AWS::CloudTrail::Trail')).toEqual([]);
    expect(idsOf('AWS::S3::Bucket')).toEqual(['ReadStateBucket', 'ServerlessDeploymentBucket']);
    expect(idsOf('AWS::S3::BucketPolicy')).toEqual(['ReadStateBucketPolicy', 'ServerlessDeploymentBucketPolicy']);
    expect(template).not.toContain('ReadTrailBucket');
    expect(template).not.toContain('read-trail');
  });

  it('matches the Object Created events of that bucket: log files of this account and region under <prefix>/AWSLogs/', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    const here = '${AWS::AccountId}/CloudTrail/${AWS::Region}';

    expect(existing.RuleReadLogFiles?.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [BUCKET] },
        object: {
          key: [
            { prefix: { 'Fn::Sub': `${PREFIX}/AWSLogs/${here}/` } },
            { wildcard: { 'Fn::Sub': `${PREFIX}/AWSLogs/o-*/${here}/*` } },
          ],
        },
      },
    });
  });

  it('lets ingest-reads GetObject under the bucket’s <prefix>/AWSLogs/ and Decrypt with the trail’s key, and nothing more of either', () => {
    const ingest = existing.IngestDashreadsLambdaFunction?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const trailGrants = statementsOf('IngestDashreadsIamRoleLambdaExecution').filter((s) =>
      JSON.stringify(s).match(new RegExp(`${BUCKET}|kms:`)),
    );

    expect(ingest.Environment.Variables).toMatchObject({
      READ_TRAIL_BUCKET: BUCKET,
      READ_ACCOUNT_ID: { Ref: 'AWS::AccountId' },
    });
    expect(trailGrants).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${BUCKET}/${PREFIX}/AWSLogs/*` },
      },
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: KEY },
    ]);
    // No other role reads the bucket or uses the key.
    for (const role of idsOf('AWS::IAM::Role').filter((id) => id !== 'IngestDashreadsIamRoleLambdaExecution')) {
      expect(JSON.stringify(statementsOf(role)), role).not.toContain(BUCKET);
      expect(JSON.stringify(statementsOf(role)), role).not.toContain(KEY);
    }
  });
});
