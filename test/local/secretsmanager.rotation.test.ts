import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import type { RotationRequest } from '../../local/secretsmanager/index.ts';

const LAMBDA = 'arn:aws:lambda:us-east-1:000000000000:function:rotate';

let h: Harness;
let calls: RotationRequest[];
let failAt: RotationRequest['Step'] | undefined;

// A rotation function that does what AWS's templates do, through the emulator's own API.
const fakeLambda = async (_arn: string, request: RotationRequest) => {
  calls.push(request);
  if (request.Step === failAt) throw new Error('target database refused the new password: hunter2');
  const client = h.client();
  if (request.Step === 'createSecret') {
    await client.send(
      new PutSecretValueCommand({
        SecretId: request.SecretId,
        ClientRequestToken: request.ClientRequestToken,
        SecretString: 'rotated',
        VersionStages: ['AWSPENDING'],
      }),
    );
  }
  if (request.Step === 'finishSecret') {
    const described = await client.send(new DescribeSecretCommand({ SecretId: request.SecretId }));
    const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: request.SecretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: request.ClientRequestToken,
        RemoveFromVersionId: current,
      }),
    );
  }
};

beforeEach(async () => {
  calls = [];
  failAt = undefined;
  h = await startSecretsManager({ invokeRotation: fakeLambda });
});
afterEach(async () => {
  await h.sm.whenIdle();
  await h.close();
});

const serviceEvents = () =>
  h.events
    .filter((e) => e['detail-type'] === 'AWS Service Event via CloudTrail')
    .map((e) => ({ name: e.detail.eventName, errorMessage: e.detail.errorMessage }));

describe('secrets manager rotation', () => {
  it('runs the four steps in order and promotes the new version', async () => {
    const { ARN } = await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'original' }));

    const rotated = await h.client().send(
      new RotateSecretCommand({
        SecretId: 's',
        RotationLambdaARN: LAMBDA,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    await h.sm.whenIdle();

    expect(calls.map((c) => c.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(calls.every((c) => c.SecretId === ARN && c.ClientRequestToken === rotated.VersionId)).toBe(true);
    const current = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(current).toMatchObject({ SecretString: 'rotated', VersionId: rotated.VersionId });
    const previous = await h.client().send(new GetSecretValueCommand({ SecretId: 's', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('original');
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described).toMatchObject({
      RotationEnabled: true,
      RotationLambdaARN: LAMBDA,
      RotationRules: { AutomaticallyAfterDays: 30 },
    });
    expect(described.LastRotatedDate?.toISOString()).toBe('2025-03-19T10:00:00.000Z');
    expect(described.NextRotationDate?.toISOString()).toBe('2025-04-18T10:00:00.000Z');
    expect(serviceEvents()).toEqual([
      { name: 'RotationStarted', errorMessage: undefined },
      { name: 'RotationSucceeded', errorMessage: undefined },
    ]);
    const started = h.events.find((e) => e.detail.eventName === 'RotationStarted');
    expect(started?.detail).toMatchObject({
      eventType: 'AwsServiceEvent',
      userIdentity: { accountId: '000000000000', invokedBy: 'secretsmanager.amazonaws.com' },
      requestParameters: null,
      responseElements: null,
      additionalEventData: { SecretId: ARN },
      requestID: expect.stringMatching(/^Rotation-arn:aws:secretsmanager:/),
    });
  });

  it('stops at the failing step, emits RotationFailed and leaves AWSPENDING dangling', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'original' }));
    failAt = 'setSecret';

    const rotated = await h.client().send(new RotateSecretCommand({ SecretId: 's', RotationLambdaARN: LAMBDA }));
    await h.sm.whenIdle();

    expect(calls.map((c) => c.Step)).toEqual(['createSecret', 'setSecret']);
    expect(serviceEvents()).toEqual([
      { name: 'RotationStarted', errorMessage: undefined },
      { name: 'RotationFailed', errorMessage: `Error when executing lambda ${LAMBDA} during setSecret step` },
    ]);
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.VersionIdsToStages?.[rotated.VersionId ?? '']).toEqual(['AWSPENDING']);
    const current = await h.client().send(new GetSecretValueCommand({ SecretId: 's' }));
    expect(current.SecretString).toBe('original');
    await expect(h.client().send(new RotateSecretCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: "A previous rotation isn't complete. That rotation will be reattempted.",
    });
  });

  it('only records the configuration when RotateImmediately is false', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'original' }));

    const rotated = await h.client().send(
      new RotateSecretCommand({
        SecretId: 's',
        RotationLambdaARN: LAMBDA,
        RotationRules: { AutomaticallyAfterDays: 7 },
        RotateImmediately: false,
      }),
    );
    await h.sm.whenIdle();

    expect(rotated.VersionId).toBeUndefined();
    expect(calls).toEqual([]);
    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described).toMatchObject({ RotationEnabled: true, RotationLambdaARN: LAMBDA });
    expect(Object.values(described.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });

  it('refuses rotation without a Lambda ARN and cancels rotation', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'original' }));

    await expect(h.client().send(new RotateSecretCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await expect(h.client().send(new CancelRotateSecretCommand({ SecretId: 's' }))).rejects.toMatchObject({
      name: 'InvalidRequestException',
    });
    await h
      .client()
      .send(new RotateSecretCommand({ SecretId: 's', RotationLambdaARN: LAMBDA, RotateImmediately: false }));
    await h.client().send(new CancelRotateSecretCommand({ SecretId: 's' }));

    const described = await h.client().send(new DescribeSecretCommand({ SecretId: 's' }));
    expect(described.RotationEnabled).toBe(false);
    expect(described.RotationLambdaARN).toBe(LAMBDA);
  });

  it('validates RotationRules', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 's', SecretString: 'original' }));

    const attempt = h.client().send(
      new RotateSecretCommand({
        SecretId: 's',
        RotationLambdaARN: LAMBDA,
        RotationRules: { AutomaticallyAfterDays: 0 },
      }),
    );

    await expect(attempt).rejects.toMatchObject({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'rotationRules.automaticallyAfterDays' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });
});
