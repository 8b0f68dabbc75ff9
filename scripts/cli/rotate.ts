// `smcp rotate <secret> [--reason TEXT] [--as USER]`: asks for an orchestrated rotation (a `Rotation Requested` event).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { oneLine } from '../../functions/shared/domain/sanitise.ts';
import { callerIdentity } from './caller.ts';
import { localClientConfig, localEndpoint, unreachable } from './client-config.ts';
import { resolveStack } from './stack.ts';

const rotate = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' }, as: { type: 'string' }, endpoint: { type: 'string' } },
  });
  const [secretId] = positionals;
  if (!secretId || positionals.length > 1)
    throw Object.assign(new Error('rotate needs exactly one secret id'), { usage: true });
  const endpoint = localEndpoint(values.endpoint);
  const events = new EventBridgeClient(localClientConfig(endpoint));
  // The principal is what the approvals compare (no self-approval under another name); `--as` is a label beside it.
  const caller = await callerIdentity(endpoint);
  if (!caller.ok) {
    console.error(
      `Note: ${oneLine(caller.note)}; the request names its requester only as "${oneLine(values.as ?? userInfo().username)}", so the self-approval check compares names only.`,
    );
  }
  // The control plane's own bus (custom.eventBusName), where the rotation-requested rule listens.
  const busName = (await resolveStack({ stage: 'local', endpoint })).environment.EVENT_BUS_NAME;
  const detail = {
    secretId,
    requestedBy: values.as ?? userInfo().username,
    ...(caller.ok ? { requestedByPrincipal: caller.arn } : {}),
    ...(values.reason ? { reason: values.reason } : {}),
  };
  const out = await events
    .send(
      new PutEventsCommand({
        Entries: [
          { Source: 'smcp', DetailType: 'Rotation Requested', Detail: JSON.stringify(detail), EventBusName: busName },
        ],
      }),
    )
    .catch((error: unknown) => {
      throw unreachable(endpoint, error);
    });
  const entry = out.Entries?.[0];
  if (!entry?.EventId) throw new Error(`The bus refused the request: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
  console.log(
    `Rotation requested for ${oneLine(secretId)} (event ${oneLine(entry.EventId)})${caller.ok ? ` as ${oneLine(caller.arn)}` : ''}; follow it with \`smcp approvals\` or the execution list.`,
  );
  return 0;
};

export { rotate };
