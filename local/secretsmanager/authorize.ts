// A secret's resource policy, enforced on every call that names a secret: an explicit Deny for the caller (from the
// request's access key, local/iam/identity.ts) refuses the call with AccessDeniedException, as AWS does. The local
// cloud has no identity policies, so nothing else refuses; a quarantine (a Deny the read-anomaly response writes)
// therefore holds locally exactly as it would in AWS. The dispatch (index.ts) checks each call before it runs;
// BatchGetSecretValue checks each secret it returns (operations/read.ts), as AWS checks GetSecretValue per secret.
import { callerOf } from '../iam/identity.ts';
import { evaluatePolicy } from '../iam/policy.ts';
import type { CallContext } from '../protocol.ts';
import type { Core } from './core.ts';
import { errors } from './errors.ts';
import { find, type Located } from './lookup.ts';

// Calls that do not address one secret: ListSecrets, GetRandomPassword, CreateSecret (a new name has no policy yet)
// and BatchGetSecretValue (checked per secret).
const NOT_ONE_SECRET = new Set(['ListSecrets', 'GetRandomPassword', 'CreateSecret', 'BatchGetSecretValue']);

/** Throws AccessDeniedException when the secret's policy denies `action` to the caller. */
const assertAllowed = (at: Located, action: string, ctx: CallContext, secretId: string = at.arn): void => {
  // No policy, no explicit Deny (evaluatePolicy answers so too): the request for it is not built on every call.
  if (at.secret.policy === undefined) return;
  const caller = callerOf(ctx.accessKeyId, ctx.account);
  const decision = evaluatePolicy(at.secret.policy, {
    caller,
    action,
    resource: at.arn,
    keys: { 'secretsmanager:SecretId': at.arn },
  });
  if (decision.denied) {
    throw errors.error(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${secretId} with an explicit deny in a resource-based policy`,
    );
  }
};

/** Before an operation runs: the policy of the secret its SecretId names (a secret that does not exist has none). */
const authorizeCall = (core: Core, operation: string, input: Record<string, unknown>, ctx: CallContext): void => {
  if (NOT_ONE_SECRET.has(operation) || typeof input.SecretId !== 'string') return;
  const at = find(core.state, ctx.region, input.SecretId);
  if (at) assertAllowed(at, `secretsmanager:${operation}`, ctx, input.SecretId);
};

export { assertAllowed, authorizeCall };
