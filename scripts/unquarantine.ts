// Lifts a read-anomaly quarantine: removes the Deny statements smcp added to a secret's resource policy (for one
// principal, or all of them), keeps every other statement, and deletes the policy when nothing else is left.
//
//   node scripts/unquarantine.ts <secret> [<principal ARN>] [--endpoint URL] [--region REGION] [--list]
//
// Against AWS: omit --endpoint and use your usual credentials. Against `smcp local`: --endpoint http://127.0.0.1:4566
// (or SMCP_ENDPOINT). Meant to become `smcp unquarantine`; scripts/smcp.ts can call main() as it is.
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretPolicies } from '../functions/reads/adapters/secrets.ts';
import { quarantinedIn, quarantineRefusal, removeQuarantine } from '../functions/reads/domain/quarantine.ts';

const USAGE = 'usage: unquarantine <secret> [<principal ARN>] [--endpoint URL] [--region REGION] [--list]';

interface Outcome {
  readonly secretId: string;
  readonly removed: number;
  readonly remaining: readonly string[];
  readonly policyDeleted: boolean;
}

const unquarantine = async (
  sm: SecretsManagerClient,
  secretId: string,
  principal: string | undefined,
  listOnly = false,
): Promise<Outcome> => {
  const policies = createSecretPolicies({ sm });
  const current = await policies.getPolicy(secretId);
  if (listOnly) return { secretId, removed: 0, remaining: quarantinedIn(current), policyDeleted: false };
  const { policy, removed } = removeQuarantine(current, principal);
  if (removed === 0) return { secretId, removed, remaining: quarantinedIn(current), policyDeleted: false };
  if (policy === undefined) await policies.deletePolicy(secretId);
  else await policies.putPolicy(secretId, policy);
  return { secretId, removed, remaining: quarantinedIn(policy), policyDeleted: policy === undefined };
};

const main = async (args: string[] = process.argv.slice(2)): Promise<Outcome> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { endpoint: { type: 'string' }, region: { type: 'string' }, list: { type: 'boolean' } },
  });
  const [secretId, principal, ...extra] = positionals;
  if (!secretId || extra.length > 0) throw new Error(USAGE);
  // smcp only ever denies one exact user, role or role session: anything else (a wildcard, a typo) matches nothing.
  const refusal = principal === undefined ? undefined : quarantineRefusal(principal);
  if (refusal) throw new Error(`unquarantine: ${refusal}\n${USAGE}`);
  const endpoint = values.endpoint ?? process.env.SMCP_ENDPOINT;
  const sm = new SecretsManagerClient({
    ...(endpoint ? { endpoint } : {}),
    ...(values.region ? { region: values.region } : {}),
  });
  try {
    return await unquarantine(sm, secretId, principal, values.list ?? false);
  } finally {
    sm.destroy();
  }
};

const report = (outcome: Outcome): void => {
  console.log(
    outcome.removed > 0
      ? `${outcome.secretId}: lifted ${outcome.removed} quarantine(s)${outcome.policyDeleted ? '; the resource policy was empty and is deleted' : ''}`
      : `${outcome.secretId}: nothing to lift`,
  );
  if (outcome.remaining.length > 0) console.log(`still quarantined: ${outcome.remaining.join(', ')}`);
};

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(report, (error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  });
}

export type { Outcome };
export { main, report, unquarantine };
