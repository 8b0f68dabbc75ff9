// Who is running the CLI, as AWS sees it: STS GetCallerIdentity with the credentials the CLI signs with. `smcp rotate`
// records that principal as the requester and `smcp approve` sends it as the approver's, so the approvals area can
// refuse a self-approval whatever names `--as` gives (functions/approvals/domain/policy.ts). When no STS answers
// (a local cloud without it), the CLI goes on with the names alone and says so.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { localClientConfig } from './client-config.ts';

type Caller = { ok: true; arn: string } | { ok: false; note: string };

// An IAM or STS principal ARN, as GetCallerIdentity answers it.
const PRINCIPAL = /^arn:aws[\w-]*:(?:iam|sts)::\d{12}:[\w+=,.@/-]{1,2000}$/;

const callerIdentity = async (endpoint: string): Promise<Caller> => {
  const sts = new STSClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  try {
    const { Arn } = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(5_000) });
    if (typeof Arn === 'string' && PRINCIPAL.test(Arn)) return { ok: true, arn: Arn };
    return { ok: false, note: 'STS answered without a principal ARN' };
  } catch (error) {
    const reason = (error as Error).name === 'Error' ? (error as Error).message : (error as Error).name;
    return { ok: false, note: `STS GetCallerIdentity did not answer (${reason.slice(0, 120)})` };
  } finally {
    sts.destroy();
  }
};

export type { Caller };
export { callerIdentity };
