import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { createEventBus } from '../../local/eventbridge/bus.ts';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startSecretsManager({
    invokeRotation: async () => {
      throw new Error(`the lambda logged ${CANARY}`);
    },
  });
});
afterEach(async () => {
  await h.sm.whenIdle();
  await h.close();
});

const CANARY = 'CANARY-7f3c9a1e-do-not-leak';

const raw = async (operation: string, body: string) => {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${operation}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as { __type?: string; message?: string } };
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { name: string; message: string },
  );

describe('secrets manager input errors', () => {
  it('answers a malformed JSON body with SerializationException', async () => {
    const response = await raw('GetSecretValue', '{"SecretId": ');

    expect(response.status).toBe(400);
    expect(response.body.__type).toBe('SerializationException');
  });

  it('answers a missing SecretId with a ValidationException', async () => {
    const response = await raw('GetSecretValue', '{}');
    const viaSdk = await failure(h.client().send(new GetSecretValueCommand({} as { SecretId: string })));

    expect(response).toEqual({
      status: 400,
      body: expect.objectContaining({
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
      }),
    });
    expect(viaSdk?.name).toBe('ValidationException');
  });

  it('answers wrong-typed members with SerializationException, never a 500', async () => {
    const operations = [
      'CreateSecret',
      'GetSecretValue',
      'ListSecrets',
      'PutSecretValue',
      'DeleteSecret',
      'TagResource',
    ];
    const bodies = ['{"SecretId": 5, "Name": 5}', '{"Filters": "x", "Tags": {"a": 1}}', '{"MaxResults": "ten"}'];

    for (const operation of operations) {
      for (const body of bodies) {
        const response = await raw(operation, body);
        // Members an operation does not have are ignored, as AWS ignores them; the others must fail as 400s.
        expect(response.status, `${operation} ${body}`).toBeLessThan(500);
        if (response.status === 400) {
          expect(['SerializationException', 'ValidationException']).toContain(response.body.__type);
        }
      }
    }
  });

  it('reports every constraint violation in one ValidationException', async () => {
    const error = await failure(
      h.client().send(new CreateSecretCommand({ Name: '', ClientRequestToken: 'short', SecretString: 'v' })),
    );

    expect(error).toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^2 validation errors detected: .*'name'.*; .*'clientRequestToken'/),
    });
  });

  it('rejects invalid names, both value kinds and missing values with AWS messages', async () => {
    const badName = await failure(h.client().send(new CreateSecretCommand({ Name: 'a b', SecretString: 'v' })));
    const both = await failure(
      h.client().send(new CreateSecretCommand({ Name: 'ok', SecretString: 'v', SecretBinary: new Uint8Array([1]) })),
    );
    await h.client().send(new CreateSecretCommand({ Name: 'ok', SecretString: 'v' }));
    const noValue = await failure(h.client().send(new PutSecretValueCommand({ SecretId: 'ok' })));
    const missing = await failure(h.client().send(new GetSecretValueCommand({ SecretId: 'nope' })));

    expect(badName?.name).toBe('InvalidParameterException');
    expect(both).toMatchObject({
      name: 'InvalidParameterException',
      message: "You can't specify both a binary secret value and a string secret value in the same secret.",
    });
    expect(noValue?.name).toBe('InvalidParameterException');
    expect(missing).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('stores and returns binary secrets', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await h.client().send(new CreateSecretCommand({ Name: 'bin', SecretBinary: bytes }));

    const value = await h.client().send(new GetSecretValueCommand({ SecretId: 'bin' }));

    expect(value.SecretString).toBeUndefined();
    expect([...(value.SecretBinary ?? [])]).toEqual([...bytes]);
  });
});

describe('secrets manager GetRandomPassword', () => {
  it('honours length, exclusions and RequireEachIncludedType', async () => {
    for (let i = 0; i < 20; i++) {
      const { RandomPassword: p = '' } = await h
        .client()
        .send(new GetRandomPasswordCommand({ PasswordLength: 12, ExcludePunctuation: true, ExcludeCharacters: 'abc' }));
      expect(p).toHaveLength(12);
      expect(p).toMatch(/^[d-zA-Z0-9]+$/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
    }
    const spaced = await h.client().send(
      new GetRandomPasswordCommand({
        PasswordLength: 200,
        IncludeSpace: true,
        ExcludeLowercase: true,
        ExcludeUppercase: true,
        ExcludeNumbers: true,
        ExcludePunctuation: true,
      }),
    );
    expect(spaced.RandomPassword).toBe(' '.repeat(200));
  });

  it('rejects impossible requests', async () => {
    const tooLong = await failure(h.client().send(new GetRandomPasswordCommand({ PasswordLength: 5000 })));
    const tooShort = await failure(h.client().send(new GetRandomPasswordCommand({ PasswordLength: 3 })));
    const nothing = await failure(
      h.client().send(
        new GetRandomPasswordCommand({
          ExcludeLowercase: true,
          ExcludeUppercase: true,
          ExcludeNumbers: true,
          ExcludePunctuation: true,
        }),
      ),
    );

    expect(tooLong?.name).toBe('ValidationException');
    expect(tooShort).toMatchObject({
      name: 'InvalidParameterException',
      message: 'Password length is too short based on the required types.',
    });
    expect(nothing?.name).toBe('InvalidParameterException');
  });
});

describe('secrets manager events', () => {
  it('records each call as a CloudTrail event, reads and failures included', async () => {
    const { ARN } = await h
      .client()
      .send(new CreateSecretCommand({ Name: 'app/db', SecretString: 'v', Tags: [{ Key: 'k', Value: 'v' }] }));
    await h.client().send(new GetSecretValueCommand({ SecretId: 'app/db' }));
    await failure(h.client().send(new GetSecretValueCommand({ SecretId: 'missing' })));

    const [create, read, failed] = h.events.filter((e) => e['detail-type'] === 'AWS API Call via CloudTrail');
    expect(create).toMatchObject({
      version: '0',
      source: 'aws.secretsmanager',
      account: '000000000000',
      region: 'us-east-1',
      time: '2025-03-19T10:00:00Z',
      resources: [],
      detail: {
        eventVersion: expect.any(String),
        userIdentity: { accountId: '000000000000', accessKeyId: 'test' },
        eventTime: '2025-03-19T10:00:00Z',
        eventSource: 'secretsmanager.amazonaws.com',
        eventName: 'CreateSecret',
        awsRegion: 'us-east-1',
        sourceIPAddress: '127.0.0.1',
        userAgent: expect.stringContaining('aws-sdk-js'),
        requestParameters: {
          name: 'app/db',
          clientRequestToken: expect.any(String),
          tags: [{ key: 'k', value: 'v' }],
        },
        responseElements: { arn: ARN },
        requestID: expect.any(String),
        eventID: expect.stringMatching(/^[0-9a-f-]{36}$/),
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '000000000000',
        eventCategory: 'Management',
      },
    });
    expect(create?.detail.requestParameters).not.toHaveProperty('secretString');
    expect(read?.detail).toMatchObject({
      eventName: 'GetSecretValue',
      readOnly: true,
      requestParameters: { secretId: 'app/db' },
      responseElements: null,
    });
    expect(failed?.detail).toMatchObject({
      eventName: 'GetSecretValue',
      errorCode: 'ResourceNotFoundException',
      errorMessage: "Secrets Manager can't find the specified secret.",
    });
  });

  it('records one GetSecretValue per secret a batch returns, and batch errors per id', async () => {
    await h.client().send(new CreateSecretCommand({ Name: 'a', SecretString: '1' }));
    await h.client().send(new CreateSecretCommand({ Name: 'b', SecretString: '2' }));

    const batch = await h.client().send(new BatchGetSecretValueCommand({ SecretIdList: ['a', 'b', 'zzz'] }));

    expect(batch.SecretValues?.map((v) => v.SecretString)).toEqual(['1', '2']);
    expect(batch.Errors).toEqual([
      {
        SecretId: 'zzz',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
    ]);
    const names = h.events.map((e) => e.detail.eventName);
    expect(names.filter((n) => n === 'GetSecretValue')).toHaveLength(2);
    expect(names).toContain('BatchGetSecretValue');
  });

  it('records parameters as deep as a request may nest, or omits them, so every record fits on the bus', async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const bus = createEventBus({
      clock: createManualClock('2025-03-19T10:00:00Z'),
      region: 'us-east-1',
      account: '000000000000',
      rules: [],
      deliver: async () => {},
    });

    // Bodies 99 and 100 levels deep (the object, then the arrays), the deepest a request body may be.
    const kept = await raw('GetSecretValue', `{"SecretId":"missing","Extra":${nested(98)}}`);
    const deepest = await raw('RemoveRegionsFromReplication', `{"TableName":${nested(99)}}`);

    expect(kept).toMatchObject({ status: 400, body: { __type: 'ResourceNotFoundException' } });
    expect(deepest).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
    const [keptRecord, deepestRecord] = h.events;
    expect(JSON.stringify(keptRecord?.detail.requestParameters)).toBe(`{"secretId":"missing","extra":${nested(98)}}`);
    expect(deepestRecord?.detail).toMatchObject({
      eventName: 'RemoveRegionsFromReplication',
      errorCode: 'ValidationException',
      requestParameters: { omitted: true },
    });
    for (const record of h.events) expect(() => bus.publish(record)).not.toThrow();
  });

  it('answers a call with what it did when the bus refuses its events, and says so in the log', async () => {
    const lines: string[] = [];
    const refusing = await startSecretsManager({
      emit: () => {
        throw new Error('the bus is refusing events');
      },
      log: (line) => lines.push(line),
    });
    try {
      const created = await refusing
        .client()
        .send(new CreateSecretCommand({ Name: 'refused/events', SecretString: CANARY }));
      const read = await refusing.client().send(new GetSecretValueCommand({ SecretId: 'refused/events' }));
      const missing = await failure(refusing.client().send(new GetSecretValueCommand({ SecretId: 'missing' })));

      expect(created.ARN).toContain(':secret:refused/events-');
      expect(read.SecretString).toBe(CANARY);
      expect(missing?.name).toBe('ResourceNotFoundException');
      // Each call's record was made, refused and reported, without any of the secret's value.
      expect(refusing.events.map((e) => e.detail.eventName)).toEqual([
        'CreateSecret',
        'GetSecretValue',
        'GetSecretValue',
      ]);
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(
        /^\[secretsmanager\] AWS API Call via CloudTrail [0-9a-f-]{36} was not published: the bus is refusing events$/,
      );
      expect(lines.join('\n')).not.toContain(CANARY);
    } finally {
      await refusing.close();
    }
  });

  it('never lets a secret value reach an event or an error message', async () => {
    const errors: string[] = [];
    const attempt = (promise: Promise<unknown>) =>
      promise.catch((error: { name?: string; message?: string }) => errors.push(`${error.name}: ${error.message}`));
    const token = '11111111-2222-4333-8444-555555555555';

    await h.client().send(new CreateSecretCommand({ Name: 'c', SecretString: CANARY, ClientRequestToken: token }));
    await attempt(
      h.client().send(new CreateSecretCommand({ Name: 'c', SecretString: `${CANARY}x`, ClientRequestToken: token })),
    );
    await attempt(
      h
        .client()
        .send(new PutSecretValueCommand({ SecretId: 'c', SecretString: `${CANARY}2`, ClientRequestToken: token })),
    );
    await attempt(h.client().send(new PutSecretValueCommand({ SecretId: 'c', SecretString: CANARY.repeat(3000) })));
    await attempt(h.client().send(new UpdateSecretCommand({ SecretId: 'c', SecretString: `${CANARY}3` })));
    await attempt(h.client().send(new CreateSecretCommand({ Name: 'bin', SecretBinary: Buffer.from(CANARY) })));
    await attempt(h.client().send(new GetSecretValueCommand({ SecretId: 'c' })));
    await attempt(h.client().send(new GetSecretValueCommand({ SecretId: CANARY })));
    await attempt(h.client().send(new BatchGetSecretValueCommand({ SecretIdList: ['c', 'bin'] })));
    await attempt(h.client().send(new GetRandomPasswordCommand({})));
    await attempt(
      h.client().send(
        new RotateSecretCommand({
          SecretId: 'c',
          RotationLambdaARN: 'arn:aws:lambda:us-east-1:000000000000:function:r',
        }),
      ),
    );
    await h.sm.whenIdle();
    await raw('CreateSecret', JSON.stringify({ Name: 'x', SecretString: 42, Extra: CANARY.length }));

    const base64Canary = Buffer.from(CANARY).toString('base64');
    const emitted = JSON.stringify(h.events);
    expect(h.events.length).toBeGreaterThan(10);
    expect(errors.length).toBeGreaterThan(2);
    // The lookup of a secret named after the canary legitimately echoes the id the caller sent; values never appear.
    const secretIdEcho = JSON.stringify({ secretId: CANARY }).slice(1, -1);
    expect(emitted.replaceAll(secretIdEcho, '')).not.toContain(CANARY);
    expect(emitted).not.toContain(base64Canary);
    expect(errors.join('\n')).not.toContain(CANARY);
    expect(emitted).toContain('RotationFailed');
  });
});
