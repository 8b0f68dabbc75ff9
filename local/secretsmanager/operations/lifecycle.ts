// DeleteSecret and RestoreSecret. A deleted secret waits out its recovery window, then the clock deletes it for good.
import type { CallContext } from '../../protocol.ts';
import { type Core, iso } from '../core.ts';
import { dueBy } from '../due.ts';
import { invalidParameter, markedForDeletion } from '../errors.ts';
import { createReader } from '../input.ts';
import { locate } from '../lookup.ts';
import { Rule } from '../rules.ts';
import { epoch } from '../views.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RECOVERY_DAYS = 30;

const deleteSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  const days = read.integer('RecoveryWindowInDays');
  const force = read.bool('ForceDeleteWithoutRecovery') ?? false;
  read.done();
  if (force && days !== undefined) {
    throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  if (days !== undefined && (days < 7 || days > 30)) {
    throw invalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  const at = locate(core.state, ctx.region, secretId, { primary: true });
  const replicaRegions = Object.keys(at.secret.replicas);
  if (replicaRegions.length > 0) {
    throw invalidParameter(
      `You can't delete secret ${secretId} that still has replica regions [${replicaRegions.join(',')}]`,
    );
  }
  if (at.secret.deletedDate !== undefined && !force) throw markedForDeletion();
  const now = core.now();
  if (force) {
    delete core.state.secrets[at.arn];
    return { ARN: at.arn, Name: at.secret.name, DeletionDate: epoch(now.toISOString()) };
  }
  const deletionDate = new Date(now.getTime() + (days ?? DEFAULT_RECOVERY_DAYS) * DAY_MS).toISOString();
  at.secret.deletedDate = now.toISOString();
  at.secret.deletionDate = deletionDate;
  dueBy(core, deletionDate);
  return { ARN: at.arn, Name: at.secret.name, DeletionDate: epoch(deletionDate) };
};

const restoreSecret = (core: Core, input: Record<string, unknown>, ctx: CallContext) => {
  const read = createReader(input);
  const secretId = read.string('SecretId', Rule.secretId) ?? '';
  read.done();
  const at = locate(core.state, ctx.region, secretId, { primary: true });
  delete at.secret.deletedDate;
  delete at.secret.deletionDate;
  at.secret.lastChangedDate = iso(core);
  return { ARN: at.arn, Name: at.secret.name };
};

/** Deletes for good every secret whose recovery window has ended (runs before every call: no copies of the state); how many. */
const purgeDeleted = (core: Core, time = core.now()): number => {
  const now = time.getTime();
  const { secrets } = core.state;
  let purged = 0;
  for (const key in secrets) {
    const deletionDate = secrets[key]?.deletionDate;
    if (deletionDate !== undefined && Date.parse(deletionDate) <= now) {
      delete secrets[key];
      purged++;
    }
  }
  return purged;
};

export { deleteSecret, purgeDeleted, restoreSecret };
