// The rotation's pure rules: the plan, the label moves each step makes, and the outcome event.
import { describe, expect, it } from 'vitest';
import { discardMoves, promotionMoves, rollbackMoves } from '../../functions/rotation/domain/labels.ts';
import { buildOutcome } from '../../functions/rotation/domain/outcome.ts';
import { planRotation, rotationToken } from '../../functions/rotation/domain/plan.ts';
import { LabelStateError, StrategyConfigError } from '../../functions/rotation/errors.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf';
const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:smcp-dev-rotation:e-1';
const TOKEN = rotationToken(EXECUTION);

const planFor = (tags: Record<string, string>, approvalDefault = 'none') =>
  planRotation({
    secretArn: ARN,
    tags,
    versions: { v1: ['AWSCURRENT'] },
    approvalDefault,
    executionArn: EXECUTION,
    knownStrategies: ['random-password', 'postgres-single-user'],
    requestedBy: 'alice',
  });

describe('rotation plan', () => {
  it('takes the strategy from smcp:strategy and approval from smcp:approval over the stage default', () => {
    const plan = planFor({ 'smcp:strategy': 'random-password', 'smcp:approval': 'required' }, 'none');

    expect(plan).toMatchObject({
      enabled: true,
      strategy: 'random-password',
      approval: 'required',
      priorVersionId: 'v1',
      requestedBy: 'alice',
      token: TOKEN,
    });
  });

  it('falls back to the stage default, and to required when the policy is unreadable', () => {
    expect(planFor({ 'smcp:strategy': 'random-password' }, 'none').approval).toBe('none');
    expect(planFor({ 'smcp:strategy': 'random-password', 'smcp:approval': 'maybe' }).approval).toBe('required');
  });

  it('derives a stable UUID token from the execution, so a retried step reuses it', () => {
    expect(rotationToken(EXECUTION)).toBe(TOKEN);
    expect(TOKEN).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rotationToken(`${EXECUTION}-2`)).not.toBe(TOKEN);
  });

  it('refuses a secret without a known strategy, and skips one tagged smcp:rotation=off', () => {
    expect(() => planFor({})).toThrow(StrategyConfigError);
    expect(() => planFor({ 'smcp:strategy': 'mysql' })).toThrow(/unknown strategy "mysql"/);
    expect(planFor({ 'smcp:rotation': 'off' })).toMatchObject({ enabled: false, skipReason: expect.any(String) });
  });
});

describe('rotation label moves', () => {
  it('promotes: AWSCURRENT to the token, then AWSPENDING off it; nothing left to do on a repeat', () => {
    expect(promotionMoves({ old: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }, TOKEN)).toEqual([
      { stage: 'AWSCURRENT', moveTo: TOKEN, removeFrom: 'old' },
      { stage: 'AWSPENDING', removeFrom: TOKEN },
    ]);
    expect(promotionMoves({ old: ['AWSPREVIOUS'], [TOKEN]: ['AWSCURRENT'] }, TOKEN)).toEqual([]);
  });

  it('discards AWSPENDING only when the token holds it', () => {
    expect(discardMoves({ old: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }, TOKEN)).toHaveLength(1);
    expect(discardMoves({ old: ['AWSCURRENT'], [TOKEN]: [] }, TOKEN)).toEqual([]);
  });

  it('rolls back to the prior version, is a no-op once done, and refuses a label moved elsewhere', () => {
    expect(rollbackMoves({ old: ['AWSPREVIOUS'], [TOKEN]: ['AWSCURRENT'] }, TOKEN, 'old')).toEqual([
      { stage: 'AWSCURRENT', moveTo: 'old', removeFrom: TOKEN },
    ]);
    expect(rollbackMoves({ old: ['AWSCURRENT'], [TOKEN]: ['AWSPREVIOUS'] }, TOKEN, 'old')).toEqual([]);
    expect(() => rollbackMoves({ old: [], other: ['AWSCURRENT'], [TOKEN]: [] }, TOKEN, 'old')).toThrow(LabelStateError);
  });
});

describe('rotation outcome', () => {
  const state = {
    secretId: 'db',
    trigger: { eventId: 'e-1' },
    detail: { requestedBy: 'alice', reason: 'quarterly' },
    lock: { acquired: true, secretArn: ARN },
    plan: { enabled: true, secretArn: ARN, strategy: 'random-password', token: TOKEN, priorVersionId: 'old' },
  };

  it('reports a roll back with the error name and message from the Lambda cause, and alerts', () => {
    const cause = JSON.stringify({
      errorType: 'VerificationFailedError',
      errorMessage: 'AWSCURRENT failed',
      trace: [],
    });

    const { detail, alert } = buildOutcome(
      {
        ...state,
        outcome: { type: 'Rotation Rolled Back' },
        error: { Error: 'VerificationFailedError', Cause: cause },
      },
      EXECUTION,
    );

    expect(alert).toBe(true);
    expect(detail).toMatchObject({
      secretId: ARN,
      outcome: 'Rotation Rolled Back',
      error: { name: 'VerificationFailedError', message: 'AWSCURRENT failed' },
      versionId: TOKEN,
      previousVersionId: 'old',
      eventId: 'e-1',
    });
  });

  it('reports a timed-out approval as a rejection, without alerting', () => {
    const { detail, alert } = buildOutcome(
      { ...state, outcome: { type: 'Rotation Rejected' }, error: { Error: 'States.Timeout', Cause: '' } },
      EXECUTION,
    );

    expect(alert).toBe(false);
    expect(detail.reason).toMatch(/timed out/);
    expect(detail.error).toBeUndefined();
  });

  it('treats a state without an outcome as a failure', () => {
    expect(buildOutcome({ secretId: 'db' }, EXECUTION).detail).toMatchObject({
      outcome: 'Rotation Failed',
      secretId: 'db',
    });
  });
});
