// GET/POST /approvals/link?token=…: the approve/reject links of approval emails (SNS). A GET only shows the request
// and a button (mail scanners and link previews fetch URLs, and must not decide anything); the POST that button sends
// decides. Both verify the signed token first (HMAC, expiry) and fail closed. Single use comes from the store: the
// record is decided once, so a reused link answers "already decided".
//
// Who approves: the token's `approver` claim when the link was minted for one recipient, else `link:<channel>`
// (`link:sns`). A link proves possession of the message, not identity, so the allowlist must name that identity
// explicitly (`link:sns` means "whoever can read the approval emails may decide").
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ApprovalStore } from '../adapters/store.ts';
import { type LinkClaims, type LinkKey, verifyLinkToken } from '../domain/link-token.ts';
import { type ApprovalRecord, CHANNELS, withoutTaskToken } from '../domain/record.ts';
import type { DecisionRequest, DecisionResult } from './decide-approval.ts';
import { type HttpEvent, type HttpResult, html, methodOf, rawBodyOf } from './http.ts';
import { confirmationPage, decidedPage, refusedPage } from './link-pages.ts';

interface LinkEndpointDeps {
  readonly linkKey: () => Promise<LinkKey | undefined>;
  readonly store: Pick<ApprovalStore, 'get'>;
  readonly decide: (request: DecisionRequest) => Promise<DecisionResult>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

// Status codes a browser and a monitoring tool can tell apart; the page says the same in words.
// A Map: a lookup keyed by a string must not find `__proto__` or `constructor`.
const STATUS_OF_REASON: ReadonlyMap<string, number> = new Map([
  ['link expired', 410],
  ['expired', 410],
  ['approval not found', 404],
  ['already decided', 409],
  ['request body too large', 413],
]);

const refused = (reason: string): HttpResult => html(STATUS_OF_REASON.get(reason) ?? 403, refusedPage(reason));

/** The approver a link decides as: see the module comment. */
const linkApprover = (claims: LinkClaims, record: Pick<ApprovalRecord, 'channel'> | undefined): string =>
  claims.approver ?? `link:${record?.channel ?? CHANNELS.sns}`;

/** The token: from the form the confirmation page posts, else from the URL. */
const tokenOf = (event: HttpEvent, rawBody: Buffer): string | undefined =>
  (rawBody.length ? new URLSearchParams(rawBody.toString('utf8')).get('token') : null) ??
  event.queryStringParameters?.token;

const createLinkEndpoint =
  ({ linkKey, store, decide, logger, now = () => new Date() }: LinkEndpointDeps) =>
  async (event: HttpEvent): Promise<HttpResult> => {
    const rawBody = rawBodyOf(event);
    if (rawBody === undefined) return refused('request body too large');
    const token = tokenOf(event, rawBody);
    const verified = verifyLinkToken(token, (await linkKey()) ?? '', now());
    if (!verified.ok) {
      // A fixed reason from verifyLinkToken: never the token, which is a live capability until used.
      logger.warn('Approval link refused', { reason: verified.reason });
      return refused(verified.reason);
    }
    const { claims } = verified;
    const record = await store.get(claims.approvalId);
    if (methodOf(event) !== 'POST') {
      if (!record) return refused('approval not found');
      if (record.status !== 'pending') return refused('already decided');
      return html(200, confirmationPage(withoutTaskToken(record), claims.decision, token ?? ''));
    }
    const result = await decide({
      approvalId: claims.approvalId,
      decision: claims.decision,
      approver: linkApprover(claims, record),
    });
    if (!result.ok) return refused(result.reason);
    return html(200, decidedPage(result.status, result));
  };

export type { LinkEndpointDeps };
export { createLinkEndpoint, linkApprover };
