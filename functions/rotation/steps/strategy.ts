// The steps that run the secret's strategy: Create Pending Version, and the target steps (Set Secret On Target, Test
// Pending Secret, Verify Current On Target, Revert Target, Restore Previous On Target, Verify Rollback). Each is the
// strategy's idempotent step; this module adds the verdict checks (and, for AWSCURRENT, the application's health URL
// when the secret names one) and returns ids only.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { HealthCheck } from '../adapters/health-check.ts';
import { holderOf, Stage } from '../domain/labels.ts';
import { LabelStateError, VerificationFailedError } from '../errors.ts';
import type { CreatePendingInput, TargetInput, TargetOperation } from '../schemas.ts';
import { strategyFor } from '../strategies/index.ts';
import type { PostgresOptions, RotationContext, SecretStore } from '../strategies/types.ts';

interface StrategyDeps {
  readonly secrets: SecretStore;
  readonly logger: Logger;
  readonly postgres?: PostgresOptions;
  /** The application's health URL check (`smcp:health-url`), run after the strategy's own test of AWSCURRENT. */
  readonly healthCheck?: HealthCheck;
}

/** The rotation a step works on: every strategy step takes these three. */
type RotationRef = CreatePendingInput;

interface StepResult {
  readonly secretId: string;
  readonly token: string;
  readonly done: string;
}

const createStrategySteps = ({ secrets, logger, postgres, healthCheck }: StrategyDeps) => {
  const contextFor = ({ secretId, token }: RotationRef): RotationContext => ({
    secrets,
    secretId,
    token,
    ...(postgres ? { postgres } : {}),
  });

  const verify = async (ref: RotationRef, expectCurrent: string | undefined) => {
    const ctx = contextFor(ref);
    const strategy = strategyFor(ref.strategy);
    if (expectCurrent) {
      const current = holderOf(await secrets.describeVersions(ref.secretId), Stage.current);
      if (current !== expectCurrent) {
        throw new LabelStateError(`AWSCURRENT is on version ${current ?? 'none'}, expected ${expectCurrent}`);
      }
    }
    const verdict = await strategy.testSecret(ctx, Stage.current);
    if (!verdict.ok)
      throw new VerificationFailedError(`AWSCURRENT failed verification: ${verdict.reason ?? 'no reason'}`);
    const health = await healthCheck?.(ref.secretId);
    if (health && !health.ok) {
      throw new VerificationFailedError(`AWSCURRENT logs in, but ${health.reason ?? 'the health check failed'}`);
    }
  };

  const operations: Record<TargetOperation, (request: TargetInput) => Promise<void>> = {
    setSecret: (request) => strategyFor(request.strategy).setSecret(contextFor(request)),
    testPending: async (request) => {
      const verdict = await strategyFor(request.strategy).testSecret(contextFor(request), Stage.pending);
      if (!verdict.ok)
        throw new VerificationFailedError(`AWSPENDING failed its test: ${verdict.reason ?? 'no reason'}`);
    },
    verifyCurrent: (request) => verify(request, request.expectCurrent),
    revertTarget: (request) => strategyFor(request.strategy).revertTarget(contextFor(request)),
    rollbackTarget: (request) => strategyFor(request.strategy).rollbackTarget(contextFor(request)),
  };

  return {
    async createPending(ref: RotationRef): Promise<StepResult> {
      await strategyFor(ref.strategy).createPending(contextFor(ref));
      logger.info('Pending version ready', { secretId: ref.secretId, token: ref.token, strategy: ref.strategy });
      return { secretId: ref.secretId, token: ref.token, done: 'createPending' };
    },

    async target(request: TargetInput): Promise<StepResult> {
      const operation = operations[request.operation];
      await operation(request);
      logger.info('Target step done', {
        operation: request.operation,
        secretId: request.secretId,
        token: request.token,
        strategy: request.strategy,
      });
      return { secretId: request.secretId, token: request.token, done: request.operation };
    },
  };
};

export type { StepResult, StrategyDeps };
export { createStrategySteps };
