// `smcp approvals`, `smcp approve <id> --as USER`, `smcp reject <id> --as USER`: the local way to answer an approval.
// A decision goes through the same `approve` function as Slack and signed links do, which checks the approver against
// the allowlist, refuses self-approval and decides once.
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { oneLine, quoted } from '../../functions/shared/domain/sanitise.ts';
import { callerIdentity } from './caller.ts';
import { localClientConfig, localEndpoint, unreachable } from './client-config.ts';
import { functionNamed, resolveStack, tableNamed } from './stack.ts';

const stageOption = { stage: { type: 'string', default: 'local' }, endpoint: { type: 'string' } } as const;

const listApprovals = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { ...stageOption, all: { type: 'boolean', default: false } } });
  const endpoint = localEndpoint(values.endpoint);
  const stack = await resolveStack({ stage: values.stage, endpoint });
  const ddb = new DynamoDBClient(localClientConfig(endpoint));
  // The task token is never read out: it lets anyone complete the task.
  const { Items = [] } = await ddb
    .send(
      new ScanCommand({
        TableName: tableNamed(stack, 'ApprovalsTable'),
        ProjectionExpression: 'approvalId, secretId, #action, requestedBy, expiresAt, #status, decidedBy',
        ExpressionAttributeNames: { '#action': 'action', '#status': 'status' },
      }),
    )
    .catch((error: unknown) => {
      throw unreachable(endpoint, error);
    });
  const rows = Items.map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v.S ?? v.N ?? ''])))
    .filter((row) => values.all || row.status === 'pending')
    .sort((a, b) => String(a.expiresAt).localeCompare(String(b.expiresAt)));
  if (rows.length === 0) {
    console.log(values.all ? 'No approvals.' : 'No pending approvals.');
    return 0;
  }
  for (const row of rows) {
    // Every value through the one sanitiser: a requester or secret name chose its characters, and a terminal obeys
    // escape sequences (a row rewritten into a fake `pending` one) and bidi overrides. Free text is quoted.
    const decided = row.decidedBy ? `  decided by ${quoted(row.decidedBy, 256)}` : '';
    console.log(
      `${oneLine(row.approvalId, 64)}  ${oneLine(row.status, 16)}  ${oneLine(row.action, 64)} ${oneLine(row.secretId, 512)}  requested by ${quoted(row.requestedBy, 256)}  expires ${oneLine(row.expiresAt, 32)}${decided}`,
    );
  }
  console.log('Answer with: npm run smcp -- approve <id> --as <you>   (or reject)');
  return 0;
};

const decide =
  (decision: 'approve' | 'reject') =>
  async (args: string[]): Promise<number> => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...stageOption, as: { type: 'string' } },
    });
    const [approvalId] = positionals;
    if (!approvalId || positionals.length > 1)
      throw Object.assign(new Error(`${decision} needs exactly one approval id`), { usage: true });
    if (!values.as)
      throw Object.assign(
        new Error(`${decision} needs --as <approver>: who decides is checked against the allowlist`),
        { usage: true },
      );
    const endpoint = localEndpoint(values.endpoint);
    const approve = functionNamed(await resolveStack({ stage: values.stage, endpoint }), 'approve');
    // The principal behind the CLI: the decision refuses it when it is the requester's, whatever `--as` says.
    const caller = await callerIdentity(endpoint);
    const response = await fetch(`${endpoint}/2015-03-31/functions/${approve}/invocations`, {
      method: 'POST',
      body: JSON.stringify({
        approvalId,
        decision,
        approver: values.as,
        ...(caller.ok ? { approverPrincipal: caller.arn } : {}),
      }),
    }).catch((error: unknown) => {
      throw unreachable(endpoint, error);
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status !== 200 || response.headers.get('x-amz-function-error')) {
      console.error(
        `${decision} ${oneLine(approvalId, 64)}: failed — ${oneLine(body.errorMessage ?? body.message ?? response.status, 500)}`,
      );
      return 1;
    }
    // The function answers `{ ok: false, reason }` when it refuses: self-approval, not allowed, decided, expired.
    if (body.ok !== true) {
      console.error(
        `${decision} ${oneLine(approvalId, 64)}: refused — ${oneLine(body.reason ?? 'no reason given', 500)}`,
      );
      return 1;
    }
    // A decision after the workflow stopped waiting is refused above (`expired`), so an accepted one reached it.
    console.log(
      `${decision === 'approve' ? 'Approved' : 'Rejected'} ${oneLine(approvalId, 64)} as ${oneLine(body.decidedBy ?? values.as, 256)}.`,
    );
    return 0;
  };

export { decide, listApprovals };
