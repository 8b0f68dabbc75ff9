// RotateSecret and CancelRotateSecret. Like AWS, RotateSecret answers at once and the four lambda steps run after:
// it stages an AWSPENDING stub, invokes createSecret → setSecret → testSecret → finishSecret, and reports the outcome
// as RotationStarted / RotationSucceeded / RotationFailed service events. Moving AWSCURRENT is the lambda's job.
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../protocol.ts';
import type { Core, RotationStep } from '../core.ts';
import { invalidRequest, resourceExists } from '../errors.ts';
import { serviceEvent } from '../events.ts';
import { createReader } from '../input.ts';
import { type Located, locate } from '../lookup.ts';
import { Rule } from '../rules.ts';
import type { RotationRecord, SecretRecord } from '../state.ts';
import { byId, byStage, hasValue, Stage } from '../versions.ts';
import { compact } from '../views.ts';

const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const DAY_MS = 24 * 60 * 60 * 1000;

const NO_LAMBDA =
  "You tried to enable rotation on a secret that doesn't already have a Lambda function ARN configured and you didn't include such an ARN as a parameter in this call.";
const PREVIOUS_NOT_COMPLETE = "A previous rotation isn't complete. That rotation will be reattempted.";

/** AWSPENDING on a version that is not AWSCURRENT means a rotation started and never finished. */
const rotationPending = (secret: SecretRecord) => {
  const pending = byStage(secret, Stage.pending);
  return (
    secret.rotation?.inProgressToken !== undefined || (pending !== undefined && !pending.stages.includes(Stage.current))
  );
};

const readRules = (read: ReturnType<typeof createReader>) => {
  const rules = read.structure('RotationRules');
  if (!rules) return undefined;
  const days = read.integerAt('rotationRules.automaticallyAfterDays', rules.AutomaticallyAfterDays, {
    min: 1,
    max: 1000,
  });
  const duration = read.stringAt('rotationRules.duration', rules.Duration, { min: 2, max: 3, pattern: /^[0-9h]+$/ });
  const schedule = read.stringAt('rotationRules.scheduleExpression', rules.ScheduleExpression, { min: 1, max: 256 });
  return compact({ AutomaticallyAfterDays: days, Duration: duration, ScheduleExpression: schedule });
};

const scheduleNext = (rotation: RotationRecord, from: Date) => {
  const days = rotation.rules?.AutomaticallyAfterDays;
  if (typeof days === 'number') rotation.nextRotationDate = new Date(from.getTime() + days * DAY_MS).toISOString();
};

const runRotation = async (core: Core, at: Located, lambdaArn: string, token: string) => {
  const requestId = `Rotation-${at.arn}-${randomUUID()}`;
  const emit = (eventName: string, errorMessage?: string) =>
    core.emit(
      serviceEvent({
        eventName,
        region: at.region,
        time: core.now(),
        secretArn: at.arn,
        requestId,
        ...(errorMessage ? { errorMessage } : {}),
      }),
    );
  emit('RotationStarted');
  let failedAt: RotationStep | undefined;
  for (const step of STEPS) {
    try {
      if (!core.invokeRotation) throw new Error('no rotation function is wired into the local cloud');
      await core.invokeRotation(lambdaArn, { Step: step, SecretId: at.arn, ClientRequestToken: token });
    } catch {
      failedAt = step;
      break;
    }
  }
  const rotation = at.secret.rotation;
  if (rotation?.inProgressToken === token) delete rotation.inProgressToken;
  if (failedAt) {
    // The lambda's own error stays in its logs: AWS's event only names the step, and it may quote a value.
    emit('RotationFailed', `Error when executing lambda ${lambdaArn} during ${failedAt} step`);
    return;
  }
  if (rotation) {
    rotation.lastRotatedDate = core.now().toISOString();
    scheduleNext(rotation, core.now());
  }
  emit('RotationSucceeded');
};

const rotateSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const token = read.string('ClientRequestToken', Rule.token) ?? randomUUID();
  const lambdaArn = read.string('RotationLambdaARN', { max: 2048 });
  const rules = readRules(read);
  const immediately = read.bool('RotateImmediately') ?? true;
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  const { secret } = at;
  const arn = lambdaArn ?? secret.rotation?.lambdaArn;
  if (arn === undefined) throw invalidRequest(NO_LAMBDA);
  if (rotationPending(secret)) throw invalidRequest(PREVIOUS_NOT_COMPLETE);
  const existing = byId(secret, token);
  if (existing && hasValue(existing)) {
    throw resourceExists(
      `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${at.arn}.`,
    );
  }

  const rotation: RotationRecord = secret.rotation ?? { enabled: true };
  rotation.enabled = true;
  rotation.lambdaArn = arn;
  if (rules) rotation.rules = rules;
  secret.rotation = rotation;
  scheduleNext(rotation, core.now());
  if (!immediately) return { ARN: at.arn, Name: secret.name };

  // The stub AWS creates before calling createSecret; the lambda fills it with PutSecretValue.
  for (const v of secret.versions) v.stages = v.stages.filter((s) => s !== Stage.pending);
  if (existing) existing.stages.push(Stage.pending);
  else secret.versions.push({ versionId: token, stages: [Stage.pending], createdDate: core.now().toISOString() });
  rotation.inProgressToken = token;
  // Deferred so the RotateSecret call is answered (and recorded) before RotationStarted, as in AWS.
  const run = Promise.resolve().then(() => runRotation(core, at, arn, token));
  core.background.add(run);
  void run.finally(() => core.background.delete(run));
  return { ARN: at.arn, Name: secret.name, VersionId: token };
};

const cancelRotateSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true, live: true });
  const rotation = at.secret.rotation;
  if (!rotation?.lambdaArn) throw invalidRequest(NO_LAMBDA);
  rotation.enabled = false;
  delete rotation.nextRotationDate;
  // AWS leaves AWSPENDING where it is: cleaning up a half-done rotation is the caller's job.
  const pending = byStage(at.secret, Stage.pending);
  return compact({ ARN: at.arn, Name: at.secret.name, VersionId: pending?.versionId });
};

export { cancelRotateSecret, rotateSecret };
