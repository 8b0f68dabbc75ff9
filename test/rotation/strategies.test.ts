// The strategy registry, the Secrets Manager adapter and random-password, against the local Secrets Manager
// emulator over HTTP with the real SDK.
import { inspect } from 'node:util';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  PendingVersionMissingError,
  SecretNotFoundError,
  StrategyConfigError,
} from '../../functions/rotation/errors.ts';
import { strategyFor, strategyNames } from '../../functions/rotation/strategies/index.ts';
import { randomPassword } from '../../functions/rotation/strategies/random-password.ts';
import { createSecretStore } from '../../functions/rotation/strategies/secrets-adapter.ts';
import type { RotationContext } from '../../functions/rotation/strategies/types.ts';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';
import { createStrategyKit } from '../support/strategy-kit.ts';

const CANARY = `canary-${crypto.randomUUID()}`;

let harness: Harness;
let consoleOutput: string[];

const sm = () => harness.client();
const { secretValues, reset, expectNoValues, caught, stagesOf, promote } = createStrategyKit(sm);

const valueAt = async (secretId: string, stage: string) =>
  JSON.parse(
    (await sm().send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }))).SecretString ?? '',
  );

const contextFor = (secretId: string, token: string = crypto.randomUUID()): RotationContext => ({
  secrets: createSecretStore({ client: sm() }),
  secretId,
  token,
  passwordPolicy: { length: 24, excludePunctuation: true },
});

const createSecret = async (name: string, value: unknown) => {
  await sm().send(
    new CreateSecretCommand({ Name: name, SecretString: typeof value === 'string' ? value : JSON.stringify(value) }),
  );
  return name;
};

beforeAll(async () => {
  harness = await startSecretsManager();
});

afterAll(async () => {
  await harness.close();
});

beforeEach(() => {
  reset([CANARY]);
  consoleOutput = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleOutput.push(args.map((a) => inspect(a, { depth: 20 })).join(' '));
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  expectNoValues(consoleOutput.join('\n'));
});

describe('strategy registry', () => {
  it('returns each strategy by name', () => {
    for (const name of strategyNames) expect(strategyFor(name).name).toBe(name);
  });

  it('names the known strategies when asked for an unknown one', () => {
    expect(() => strategyFor('mysql-single-user')).toThrow(StrategyConfigError);
    expect(() => strategyFor('mysql-single-user')).toThrow(
      /Unknown rotation strategy "mysql-single-user"; known strategies: random-password, postgres-single-user, postgres-alternating-users, webhook/,
    );
    expect(() => strategyFor('toString')).toThrow(StrategyConfigError);
  });
});

describe('random-password', () => {
  it('rotates the password, keeps the rest of the JSON, and promotes', async () => {
    const id = await createSecret('rp/cycle', { username: 'svc', password: CANARY, note: 'kept' });
    const ctx = contextFor(id);

    await randomPassword.createPending(ctx);
    await randomPassword.setSecret(ctx);
    const pendingVerdict = await randomPassword.testSecret(ctx, 'AWSPENDING');
    await promote(id, ctx.token);

    const current = await valueAt(id, 'AWSCURRENT');
    secretValues.push(current.password);
    expect(pendingVerdict).toEqual({ ok: true });
    expect(current).toEqual({ username: 'svc', password: expect.stringMatching(/^[A-Za-z0-9]{24}$/), note: 'kept' });
    expect((await valueAt(id, 'AWSPREVIOUS')).password).toBe(CANARY);
    expect(await randomPassword.testSecret(ctx, 'AWSCURRENT')).toEqual({ ok: true });
  });

  it('changes nothing more when every step runs twice', async () => {
    const id = await createSecret('rp/twice', { password: CANARY });
    const ctx = contextFor(id);

    await randomPassword.createPending(ctx);
    const stagesOnce = await stagesOf(id);
    const pendingOnce = await valueAt(id, 'AWSPENDING');
    await randomPassword.createPending(ctx);
    await randomPassword.setSecret(ctx);
    await randomPassword.setSecret(ctx);
    await promote(id, ctx.token);
    await randomPassword.createPending(ctx);

    secretValues.push(pendingOnce.password);
    expect(Object.keys(stagesOnce)).toHaveLength(2);
    expect(await valueAt(id, 'AWSCURRENT')).toEqual(pendingOnce);
    expect(Object.keys(await stagesOf(id)).sort()).toEqual(Object.keys(stagesOnce).sort());
  });

  it('stores one value when two attempts race on the same token', async () => {
    const id = await createSecret('rp/race', { password: CANARY });
    const ctx = contextFor(id);

    await Promise.all([randomPassword.createPending(ctx), randomPassword.createPending(ctx)]);

    expect((await stagesOf(id))[ctx.token]).toEqual(['AWSPENDING']);
    expect(await randomPassword.testSecret(ctx, 'AWSPENDING')).toEqual({ ok: true });
  });

  it('fills the AWSPENDING stub RotateSecret leaves when the emulator drives the four steps', async () => {
    const finished = Promise.withResolvers<void>();
    const driven = await startSecretsManager({
      invokeRotation: async (_arn, request) => {
        const ctx = {
          ...contextFor(request.SecretId, request.ClientRequestToken),
          secrets: createSecretStore({ client: driven.client() }),
        };
        if (request.Step === 'createSecret') await randomPassword.createPending(ctx);
        if (request.Step === 'setSecret') await randomPassword.setSecret(ctx);
        if (request.Step === 'testSecret' && !(await randomPassword.testSecret(ctx, 'AWSPENDING')).ok)
          throw new Error('test failed');
        if (request.Step === 'finishSecret') finished.resolve();
      },
    });
    try {
      const client = driven.client();
      await client.send(
        new CreateSecretCommand({ Name: 'rp/driven', SecretString: JSON.stringify({ password: CANARY }) }),
      );

      const { VersionId } = await client.send(
        new RotateSecretCommand({
          SecretId: 'rp/driven',
          RotationLambdaARN: 'arn:aws:lambda:us-east-1:123456789012:function:rotate',
        }),
      );
      await finished.promise;

      const pending = await client.send(new GetSecretValueCommand({ SecretId: 'rp/driven', VersionId }));
      secretValues.push(JSON.parse(pending.SecretString ?? '{}').password);
      expect(pending.VersionStages).toEqual(['AWSPENDING']);
      expect(JSON.parse(pending.SecretString ?? '{}').password).toMatch(/^[A-Za-z0-9]{24}$/);
    } finally {
      await driven.close();
    }
  });

  it('reports a version without a password as a failed test, not an error', async () => {
    const id = await createSecret('rp/shapeless', { password: CANARY });
    const ctx = contextFor(id);
    await sm().send(
      new PutSecretValueCommand({
        SecretId: id,
        ClientRequestToken: ctx.token,
        SecretString: JSON.stringify({ note: CANARY }),
        VersionStages: ['AWSPENDING'],
      }),
    );

    const verdict = await randomPassword.testSecret(ctx, 'AWSPENDING');
    const error = await caught(() => randomPassword.setSecret(ctx));

    expect(verdict).toEqual({ ok: false, reason: 'AWSPENDING has no "password" string' });
    expect(error).toBeInstanceOf(StrategyConfigError);
    expect(await randomPassword.testSecret(ctx, 'AWSPREVIOUS')).toEqual({
      ok: false,
      reason: 'secret has no AWSPREVIOUS version',
    });
  });
});

describe('the Secrets Manager adapter', () => {
  it('throws SecretNotFoundError for a missing secret', async () => {
    const error = await caught(() => randomPassword.createPending(contextFor('rp/missing')));

    expect(error).toBeInstanceOf(SecretNotFoundError);
    expect(error.message).toBe('Secret rp/missing not found');
    expect(error.cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('throws PendingVersionMissingError when a step runs before createPending', async () => {
    const id = await createSecret('rp/early', { password: CANARY });

    const error = await caught(() => randomPassword.setSecret(contextFor(id)));

    expect(error).toBeInstanceOf(PendingVersionMissingError);
    expect(error.message).toMatch(/has no version .*; run createPending first/);
  });

  it('refuses a secret that is not a JSON object without quoting it', async () => {
    const id = await createSecret('rp/plain', `not json ${CANARY}`);

    const error = await caught(() => randomPassword.createPending(contextFor(id)));

    expect(error).toBeInstanceOf(StrategyConfigError);
    expect(error.message).toBe('Secret rp/plain does not hold a JSON object');
  });

  it('turns an impossible password policy into StrategyConfigError', async () => {
    const id = await createSecret('rp/policy', { password: CANARY });
    const ctx = {
      ...contextFor(id),
      passwordPolicy: {
        length: 8,
        excludeLowercase: true,
        excludeUppercase: true,
        excludeNumbers: true,
        excludePunctuation: true,
      },
    };

    const error = await caught(() => randomPassword.createPending(ctx));

    expect(error).toBeInstanceOf(StrategyConfigError);
    expect(await stagesOf(id)).not.toHaveProperty(ctx.token);
  });
});
