// POST /approvals/slack: Slack's interactivity request for an Approve/Reject click. Fail closed: the signature over
// the raw body is checked first, and any doubt answers 401 without parsing the body or deciding anything. A verified
// click decides through the same step as the `approve` function, with the Slack user id as the approver, and the
// answer is a short ephemeral message (Slack shows the text of a 200 to the user who clicked; it wants it in < 3 s).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretValue } from '../../shared/adapters/secret-value.ts';
import { parseSlackInteraction } from '../domain/slack-interaction.ts';
import { verifySlackRequest } from '../domain/slack-signature.ts';
import type { DecisionRequest, DecisionResult } from './decide-approval.ts';
import { type HttpEvent, type HttpResult, json, rawBodyOf } from './http.ts';

interface SlackEndpointDeps {
  readonly signingSecret: SecretValue;
  readonly decide: (request: DecisionRequest) => Promise<DecisionResult>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const reply = (text: string): HttpResult => json(200, { response_type: 'ephemeral', replace_original: false, text });

const createSlackEndpoint =
  ({ signingSecret, decide, logger, now = () => new Date() }: SlackEndpointDeps) =>
  async (event: HttpEvent): Promise<HttpResult> => {
    const rawBody = rawBodyOf(event);
    if (rawBody === undefined) return json(413, { error: 'request body too large' });
    const verified = verifySlackRequest({
      signingSecret: (await signingSecret()) ?? '',
      headers: event.headers,
      rawBody,
      now: now(),
    });
    if (!verified.ok) {
      // The reason is one of verifySlackRequest's fixed strings: it never quotes a header, the body or the secret.
      logger.warn('Slack request refused', { reason: verified.reason });
      return json(401, { error: verified.reason });
    }
    const interaction = parseSlackInteraction(rawBody.toString('utf8'));
    if (!interaction.ok) {
      logger.warn('Slack interaction not understood', { reason: interaction.reason });
      return json(400, { error: interaction.reason });
    }
    const { approvalId, decision, approver } = interaction;
    const result = await decide({ approvalId, decision, approver });
    if (!result.ok) return reply(`Nothing was decided for ${approvalId}: ${result.reason}.`);
    return reply(
      result.status === 'approved'
        ? `Approved ${approvalId}: the rotation continues.`
        : `Rejected ${approvalId}: the rotation will not run.`,
    );
  };

export type { SlackEndpointDeps };
export { createSlackEndpoint };
