// Diagnose Failure (rotation-remediation): reads the labels and tests AWSCURRENT on its target through the secret's
// strategy (the value stays inside), so the workflow knows what the failed rotation left and what to restore.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretLabels } from '../adapters/secret-labels.ts';
import { holderOf, Stage } from '../domain/labels.ts';
import { type CurrentState, type Diagnosis, diagnoseFailure } from '../domain/remediation.ts';
import { TargetUnreachableError } from '../errors.ts';
import type { DiagnoseInput } from '../schemas.ts';
import { strategyFor } from '../strategies/index.ts';
import type { PostgresOptions, SecretStore } from '../strategies/types.ts';

interface DiagnoseDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly store: SecretStore;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
  readonly postgres?: PostgresOptions;
}

const createDiagnoseStep =
  ({ secrets, store, knownStrategies, logger, postgres }: DiagnoseDeps) =>
  async ({ secretArn, detail }: DiagnoseInput): Promise<Diagnosis> => {
    const secret = await secrets.describe(secretArn);
    const strategy = secret.tags['smcp:strategy']?.trim() ?? '';
    const current = holderOf(secret.versions, Stage.current);
    let verdict: { state: CurrentState; reason?: string };
    if (!current) verdict = { state: 'broken', reason: 'the secret has no AWSCURRENT version' };
    else if (!knownStrategies.includes(strategy)) {
      verdict = { state: 'unknown', reason: 'the secret has no known smcp:strategy tag, so smcp cannot test it' };
    } else {
      try {
        const tested = await strategyFor(strategy).testSecret(
          { secrets: store, secretId: secret.arn, token: current, ...(postgres ? { postgres } : {}) },
          Stage.current,
        );
        verdict = tested.ok
          ? { state: 'working' }
          : { state: 'broken', reason: tested.reason ?? 'AWSCURRENT did not log in' };
      } catch (error) {
        // An unreachable target says nothing about the credentials: do not roll back on a guess.
        if (!(error instanceof TargetUnreachableError)) throw error;
        verdict = { state: 'unknown', reason: `the target could not be reached (${error.message})` };
      }
    }
    const diagnosis = diagnoseFailure({
      secretArn: secret.arn,
      tags: secret.tags,
      versions: secret.versions,
      eventName: detail.eventName,
      errorMessage: detail.errorMessage,
      current: verdict.state,
      currentReason: verdict.reason,
    });
    logger.info('Rotation failure diagnosed', { ...diagnosis });
    return diagnosis;
  };

export type { DiagnoseDeps };
export { createDiagnoseStep };
