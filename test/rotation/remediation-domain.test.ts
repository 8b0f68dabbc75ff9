// The pure rules behind rotation-verification and rotation-remediation: what to verify, the loop guard, the diagnosis
// and the outcome events (ids and verdicts only).
import { describe, expect, it } from 'vitest';
import { rotationToken } from '../../functions/rotation/domain/plan.ts';
import {
  buildRemediationOutcome,
  diagnoseFailure,
  failedStepOf,
  retryEnabled,
} from '../../functions/rotation/domain/remediation.ts';
import {
  buildVerificationOutcome,
  inspectForVerification,
  ROLLED_BACK_FROM_TAG,
} from '../../functions/rotation/domain/verification.ts';

const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:prod/db-AbCdEf';
const ROTATION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:smcp-prod-rotation:req-1';
const STRATEGIES = ['postgres-single-user', 'random-password'];
const TAGS = { 'smcp:strategy': 'postgres-single-user' };
const EVENT_TIME = Date.parse('2026-01-05T09:00:05Z');

const inspect = (overrides: Partial<Parameters<typeof inspectForVerification>[0]> = {}) =>
  inspectForVerification({
    secretArn: ARN,
    tags: TAGS,
    versions: { new: ['AWSCURRENT'], old: ['AWSPREVIOUS'] },
    eventTime: EVENT_TIME,
    rotations: [],
    knownStrategies: STRATEGIES,
    ...overrides,
  });

describe('verification inspection', () => {
  it('verifies a new AWSCURRENT and allows a roll back to AWSPREVIOUS', () => {
    expect(inspect()).toMatchObject({
      action: 'verify',
      strategy: 'postgres-single-user',
      currentVersionId: 'new',
      previousVersionId: 'old',
      canRollBack: true,
    });
  });

  it('skips quietly when the event names a version AWSCURRENT has already left', () => {
    expect(inspect({ movedTo: 'older' })).toMatchObject({ action: 'skip', quiet: true });
  });

  it('skips quietly after its own roll back (AWSPREVIOUS is the version the roll back moved away from)', () => {
    const afterRollback = inspect({
      versions: { old: ['AWSCURRENT'], new: ['AWSPREVIOUS'] },
      tags: { ...TAGS, [ROLLED_BACK_FROM_TAG]: 'new' },
      movedTo: 'old',
    });

    expect(afterRollback).toMatchObject({ action: 'skip', quiet: true, reason: expect.stringMatching(/smcp/) });
  });

  it('verifies again once a later rotation made the roll back marker irrelevant', () => {
    const later = inspect({
      versions: { newer: ['AWSCURRENT'], old: ['AWSPREVIOUS'], new: [] },
      tags: { ...TAGS, [ROLLED_BACK_FROM_TAG]: 'new' },
    });

    expect(later).toMatchObject({ action: 'verify', currentVersionId: 'newer' });
  });

  it("leaves an orchestrated rotation's own promotion and roll back to it", () => {
    const token = rotationToken(ROTATION_ARN);
    const running = { executionArn: ROTATION_ARN, status: 'RUNNING', startDate: EVENT_TIME - 2_000 };
    const stopped = { ...running, status: 'FAILED', stopDate: EVENT_TIME + 300 };

    expect(
      inspect({ versions: { [token]: ['AWSCURRENT'], old: ['AWSPREVIOUS'] }, rotations: [running] }),
    ).toMatchObject({ action: 'skip', quiet: true });
    expect(
      inspect({ versions: { old: ['AWSCURRENT'], [token]: ['AWSPREVIOUS'] }, rotations: [stopped] }),
    ).toMatchObject({ action: 'skip', quiet: true });
  });

  it('verifies a hand-made move made after the orchestrated rotation ended', () => {
    const token = rotationToken(ROTATION_ARN);
    const ended = { executionArn: ROTATION_ARN, status: 'SUCCEEDED', startDate: 0, stopDate: EVENT_TIME - 60_000 };

    expect(inspect({ versions: { old: ['AWSCURRENT'], [token]: ['AWSPREVIOUS'] }, rotations: [ended] })).toMatchObject({
      action: 'verify',
      currentVersionId: 'old',
    });
  });

  it('skips loudly when smcp cannot test the secret (no strategy tag)', () => {
    expect(inspect({ tags: {} })).toMatchObject({ action: 'skip', quiet: false });
  });

  it('cannot roll back without AWSPREVIOUS', () => {
    expect(inspect({ versions: { only: ['AWSCURRENT'] } })).toMatchObject({ action: 'verify', canRollBack: false });
  });
});

describe('verification outcome', () => {
  it('reports a roll back with the error name, versions and trigger, and alerts', () => {
    const { detailType, detail, alert } = buildVerificationOutcome(
      {
        trigger: { rule: 'rotation-succeeded', eventId: 'e-1' },
        detail: { eventName: 'RotationSucceeded' },
        inspection: { secretArn: ARN, strategy: 'random-password', currentVersionId: 'new', previousVersionId: 'old' },
        error: { Error: 'VerificationFailedError', Cause: '{"errorMessage":"AWSCURRENT failed verification"}' },
        outcome: { type: 'Rotation Rolled Back' },
      },
      'arn:exec',
    );

    expect(detailType).toBe('Rotation Rolled Back');
    expect(alert).toBe(true);
    expect(detail).toMatchObject({
      secretId: ARN,
      workflow: 'rotation-verification',
      versionId: 'new',
      previousVersionId: 'old',
      error: { name: 'VerificationFailedError', message: 'AWSCURRENT failed verification' },
      trigger: { rule: 'rotation-succeeded', eventId: 'e-1', eventName: 'RotationSucceeded' },
    });
  });
});

describe('remediation diagnosis', () => {
  it.each([
    ['RotationFailed', 'Error when executing lambda arn:x during setSecret step', 'setSecret'],
    ['RotationFailed', 'Error when executing lambda arn:x during finishSecret step', 'finishSecret'],
    ['RotationFailed', 'something else', 'unknown'],
    ['RotationAbandoned', undefined, 'abandoned'],
  ])('reads the failed step of %s from "%s"', (eventName, message, step) => {
    expect(failedStepOf(eventName, message)).toBe(step);
  });

  it('finds a dangling AWSPENDING and restores AWSCURRENT before rolling back when AWSCURRENT is broken', () => {
    const diagnosis = diagnoseFailure({
      secretArn: ARN,
      tags: { ...TAGS, 'smcp:rotation': 'orchestrated' },
      versions: { cur: ['AWSCURRENT'], prev: ['AWSPREVIOUS'], pend: ['AWSPENDING'] },
      eventName: 'RotationFailed',
      errorMessage: 'Error when executing lambda arn:x during testSecret step',
      current: 'broken',
    });

    expect(diagnosis).toMatchObject({
      failedStep: 'testSecret',
      pendingVersionId: 'pend',
      pendingDangles: true,
      canRestoreCurrent: true,
      canRollBack: true,
      retryPolicy: true,
    });
  });

  it('does not count AWSPENDING on AWSCURRENT as dangling, and never rolls back a working AWSCURRENT', () => {
    const diagnosis = diagnoseFailure({
      secretArn: ARN,
      tags: TAGS,
      versions: { cur: ['AWSCURRENT', 'AWSPENDING'], prev: ['AWSPREVIOUS'] },
      current: 'working',
    });

    expect(diagnosis).toMatchObject({ pendingDangles: false, canRollBack: false, retryPolicy: false });
  });

  it('reads the stage retry switch, on by default', () => {
    expect([undefined, 'on', 'true', 'off', 'false', '0'].map(retryEnabled)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('remediation outcome', () => {
  const state = {
    trigger: { rule: 'rotation-failed', eventId: 'e-2' },
    detail: { eventName: 'RotationFailed', errorMessage: 'Error when executing lambda arn:x during setSecret step' },
    diagnosis: {
      secretArn: ARN,
      failedStep: 'setSecret',
      current: 'working',
      pendingVersionId: 'pend',
      retryPolicy: true,
    },
    done: { clearPending: { done: 'discardPending' } },
    outcome: { type: 'Rotation Remediated' },
  };

  it('says what it found and did, and asks for a retry only when policy and the stage allow', () => {
    const allowed = buildRemediationOutcome(state, 'arn:exec', { retry: true });
    const stageOff = buildRemediationOutcome(state, 'arn:exec', { retry: false });
    const failed = buildRemediationOutcome({ ...state, outcome: { type: 'Rotation Remediation Failed' } }, 'arn:exec', {
      retry: true,
    });

    expect(allowed.detail).toMatchObject({
      outcome: 'Rotation Remediated',
      requestedBy: 'rotation-remediation',
      failedStep: 'setSecret',
      actions: ['removed AWSPENDING from version pend'],
      retryRequested: true,
    });
    expect(allowed.detail.reason).toMatch(/failed at setSecret; removed AWSPENDING/);
    expect(stageOff.retryRequested).toBe(false);
    expect(failed.retryRequested).toBe(false);
  });
});
