// Diagnose Failure and Notify Outcome for the remediation and verification workflows. Diagnose reads the labels and
// tests AWSCURRENT on its target through the secret's strategy (the value stays inside); the report puts the outcome
// on the bus, notifies people, and for a remediation may ask for an orchestrated retry.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Notifier } from '../../shared/adapters/notifications.ts';
import { holderOf, Stage } from '../domain/labels.ts';
import {
  buildRemediationOutcome,
  type CurrentState,
  type Diagnosis,
  diagnoseFailure,
  REMEDIATION_REQUESTER,
} from '../domain/remediation.ts';
import { buildVerificationOutcome } from '../domain/verification.ts';
import { TargetUnreachableError } from '../errors.ts';
import { strategyFor } from '../strategies/index.ts';
import type { PostgresOptions, SecretStore } from '../strategies/types.ts';
import type { SecretLabels } from './secrets.ts';

interface DiagnoseDeps {
  readonly secrets: Pick<SecretLabels, 'describe'>;
  readonly store: SecretStore;
  readonly knownStrategies: readonly string[];
  readonly logger: Logger;
  readonly postgres?: PostgresOptions;
}

interface DiagnoseRequest {
  readonly secretArn: string;
  readonly detail: { readonly eventName?: string | undefined; readonly errorMessage?: string | undefined };
}

const createDiagnoseStep =
  ({ secrets, store, knownStrategies, logger, postgres }: DiagnoseDeps) =>
  async ({ secretArn, detail }: DiagnoseRequest): Promise<Diagnosis> => {
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

interface ReportDeps {
  readonly bus: EventPublisher;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** The stage switch for orchestrated retries (param remediationRetry), read per call. */
  readonly retry: () => boolean;
}

interface ReportRequest {
  readonly workflow: 'rotation-remediation' | 'rotation-verification';
  readonly state: Record<string, unknown>;
  readonly executionArn: string;
}

const messageOf = (detail: Record<string, unknown>) =>
  Object.entries(detail)
    .filter(([key]) => !['trigger', 'workflow'].includes(key))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');

const createAftercareReportStep =
  ({ bus, notifier, logger, retry }: ReportDeps) =>
  async ({ workflow, state, executionArn }: ReportRequest) => {
    const built =
      workflow === 'rotation-remediation'
        ? buildRemediationOutcome(state, executionArn, { retry: retry() })
        : { ...buildVerificationOutcome(state, executionArn), retryRequested: false };
    const { detailType, detail, alert, retryRequested } = built;
    await bus.publish(detailType, detail, [detail.secretId]);
    if (alert) await notifier.notify(`[smcp] ${detailType}: ${detail.secretId}`, messageOf(detail));
    if (retryRequested) {
      // The orchestrated rotation takes the lock, plans, asks for approval by policy, and compensates on failure.
      await bus.publish(
        'Rotation Requested',
        {
          secretId: detail.secretId,
          requestedBy: REMEDIATION_REQUESTER,
          reason: `retry after a failed rotation (${String((detail as { failedStep?: string }).failedStep)})`,
          requestId: `remediation-${executionArn.split(':').at(-1) ?? ''}`.slice(0, 128),
        },
        [detail.secretId],
      );
    }
    logger.info('Outcome reported', {
      workflow,
      outcome: detailType,
      secretId: detail.secretId,
      alert,
      retryRequested,
    });
    return { outcome: detailType, alerted: alert, retryRequested };
  };

export type { DiagnoseDeps, DiagnoseRequest, ReportDeps, ReportRequest };
export { createAftercareReportStep, createDiagnoseStep };
