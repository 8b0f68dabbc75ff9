// The failure alert's pure rules: what is read from a failed execution, what is skipped, and what the alert says.
import { describe, expect, it } from 'vitest';
import { buildAlert } from '../../functions/workflows/domain/alert.ts';
import { lastStateEntered, printable, readFailure, secretIdOf } from '../../functions/workflows/domain/failure.ts';
import { ExecutionStatusChangeDetail } from '../../functions/workflows/schemas.ts';

const PREFIX = 'arn:aws:states:us-east-1:123456789012:stateMachine:smcp-prod-';
const ALERT = `${PREFIX}failure-alert`;
const ROTATION = `${PREFIX}rotation`;
const execution = (overrides: Record<string, string> = {}) => ({
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:smcp-prod-rotation:e-1',
  stateMachineArn: ROTATION,
  name: 'e-1',
  status: 'FAILED',
  input: JSON.stringify({ secretId: 'prod/db', detail: { reason: 'CANARY-input' } }),
  error: 'RotationFailed',
  ...overrides,
});
const scope = { stateMachineArnPrefix: PREFIX, alertStateMachineArn: ALERT };

describe('failure alert: reading a failed execution', () => {
  it('keeps the workflow, status, error name, last state and secret id, and nothing else of the input', () => {
    const history = [
      { type: 'ExecutionFailed' },
      { type: 'FailStateEntered', stateEnteredEventDetails: { name: 'Failed' } },
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Release Lock' } },
    ];

    const failure = readFailure(execution(), history, scope);

    expect(failure).toEqual({
      ended: true,
      executionArn: execution().executionArn,
      stateMachineArn: ROTATION,
      workflow: 'rotation',
      name: 'e-1',
      status: 'FAILED',
      error: 'RotationFailed',
      lastState: 'Failed',
      secretId: 'prod/db',
    });
    expect(JSON.stringify(failure)).not.toContain('CANARY');
  });

  it('skips what Step Functions says is running, another stack’s machine and the alert’s own executions', () => {
    expect(readFailure(execution({ status: 'RUNNING' }), [], scope)).toMatchObject({
      ended: false,
      skipReason: 'Step Functions reports it RUNNING',
    });
    expect(
      readFailure(
        execution({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:other' }),
        [],
        scope,
      ),
    ).toMatchObject({ ended: false, skipReason: 'not a state machine of this stack' });
    expect(readFailure(execution({ stateMachineArn: ALERT }), [], scope)).toMatchObject({
      ended: false,
      skipReason: 'an execution of this alert workflow itself',
    });
  });

  it('reads only a string secretId from the input, and survives input that is not JSON', () => {
    expect(secretIdOf('{"secretId":"prod/db","password":"x"}')).toBe('prod/db');
    expect(secretIdOf('{"secretId":{"nested":true}}')).toBeNull();
    expect(secretIdOf('not json')).toBeNull();
    expect(secretIdOf(undefined)).toBeNull();
  });

  it('names a free-text error UnnamedError and strips control and bidi characters from state names', () => {
    const failure = readFailure(execution({ error: 'stopped by\nsomeone "quoted"' }), [], scope);
    const state = lastStateEntered([
      { type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Wait\u202e For\u0007' } },
    ]);

    expect(failure.error).toBe('UnnamedError');
    expect(state).toBe('Wait For');
    expect(printable('\u0000\u200f', 10)).toBeNull();
  });
});

describe('failure alert: the alert', () => {
  it('says what ended how, where it stopped and what happened to the lock, naming the secret by its ARN', () => {
    const failure = readFailure(
      execution({ status: 'ABORTED', error: '' }),
      [{ type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Wait For Approval' } }],
      scope,
    );
    const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';

    const released = buildAlert(failure, { released: true, lockKey: secretArn });
    const failedRelease = buildAlert(failure, { Error: 'TransientAwsError' });

    expect(released.subject).toBe('[smcp] Workflow Failed: rotation ABORTED');
    expect(released.message.split('\n')).toEqual([
      'Workflow rotation ended ABORTED.',
      'Last state: Wait For Approval',
      'Error: none given',
      `Secret: ${secretArn}`,
      'Lock: released: the next run on this secret can start',
      `Execution: ${failure.executionArn}`,
    ]);
    expect(released.detail).toMatchObject({ secretId: secretArn, lock: 'released', error: null });
    expect(failedRelease.detail).toMatchObject({ secretId: 'prod/db', lock: 'release-failed' });
  });
});

describe('failure alert: the status change the dispatcher passes on', () => {
  it('drops the input, output and cause of the event, whatever they hold', () => {
    const parsed = ExecutionStatusChangeDetail.parse({
      executionArn: execution().executionArn,
      stateMachineArn: ROTATION,
      name: 'e-1',
      status: 'TIMED_OUT',
      startDate: 1,
      stopDate: 2,
      input: '{"password":"CANARY"}',
      inputDetails: { included: true },
      output: null,
      error: 'States.Timeout',
      cause: 'CANARY cause',
    });

    expect(parsed).toEqual({
      executionArn: execution().executionArn,
      stateMachineArn: ROTATION,
      name: 'e-1',
      status: 'TIMED_OUT',
      startDate: 1,
      stopDate: 2,
      error: 'States.Timeout',
    });
  });

  it('refuses the endings the rule does not listen for', () => {
    const result = ExecutionStatusChangeDetail.safeParse({
      executionArn: execution().executionArn,
      stateMachineArn: ROTATION,
      name: 'e-1',
      status: 'SUCCEEDED',
      startDate: 1,
      stopDate: 2,
    });

    expect(result.success).toBe(false);
  });
});
