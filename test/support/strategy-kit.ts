// What the strategy tests share: the values that must never leak, the checks for that, and the label moves the
// workflow makes between steps.
import { inspect } from 'node:util';
import {
  DescribeSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { expect } from 'vitest';

const createStrategyKit = (sm: () => SecretsManagerClient) => {
  /** Every value a test planted or a strategy generated; none may show up in an error or on the console. */
  const secretValues: string[] = [];

  const reset = (planted: readonly string[]) => {
    secretValues.length = 0;
    secretValues.push(...planted);
  };

  const expectNoValues = (text: string) => {
    for (const value of secretValues) expect(text).not.toContain(value);
  };

  /** The error a step throws, checked for values in its message, stack and causes. */
  const caught = async (work: () => Promise<unknown>): Promise<Error> => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      expectNoValues(`${error.message}\n${error.stack}\n${inspect(error, { depth: 20 })}`);
      return error;
    }
    throw new Error('expected the step to throw');
  };

  const stagesOf = async (secretId: string) =>
    (await sm().send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};

  const holderOf = async (secretId: string, stage: string) =>
    Object.entries(await stagesOf(secretId)).find(([, s]) => s.includes(stage))?.[0];

  /** As the workflow will: AWSCURRENT to the token, AWSPENDING off it. */
  const promote = async (secretId: string, token: string) => {
    await sm().send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: token,
        RemoveFromVersionId: await holderOf(secretId, 'AWSCURRENT'),
      }),
    );
    await sm().send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSPENDING',
        RemoveFromVersionId: token,
      }),
    );
  };

  return { secretValues, reset, expectNoValues, caught, stagesOf, holderOf, promote };
};

export { createStrategyKit };
