// The small HTML pages the signed-link endpoint answers. They show ids, names and verdicts only (the record without
// its task token, never a key), and escape every value: a reason or a secret id is text a requester chose.
import { htmlEscaped } from '../../shared/domain/sanitise.ts';
import type { Decision, PublicApprovalRecord } from '../domain/record.ts';

// The shared sanitiser's HTML form: markup escaped, control and bidi characters gone.
const escapeHtml = (text: string): string => htmlEscaped(text);

const layout = (title: string, content: string): string =>
  [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Mail scanners and crawlers that fetch the page have nothing to index.
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}',
    'dt{font-weight:600}button{font-size:1em;padding:.5em 1.5em}</style>',
    `</head><body><h1>${escapeHtml(title)}</h1>${content}</body></html>`,
  ].join('\n');

const details = (
  record: Pick<PublicApprovalRecord, 'approvalId' | 'secretId' | 'action' | 'requestedBy' | 'reason' | 'expiresAt'>,
) =>
  `<dl>${(
    [
      ['Approval', record.approvalId],
      ['Action', record.action],
      ['Secret', record.secretId],
      ['Requested by', record.requestedBy],
      ['Reason', record.reason ?? 'not given'],
      ['Expires', record.expiresAt],
    ] as const
  )
    .map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('')}</dl>`;

const VERB: ReadonlyMap<string, string> = new Map([
  ['approve', 'Approve'],
  ['reject', 'Reject'],
]);
// A decision that is neither (it cannot come from a verified token) still gets no page that looks like one.
const verbOf = (decision: Decision): string => VERB.get(decision) ?? 'Decide';

/**
 * What a GET answers: the request and one button. The decision happens only on the POST, so a mail scanner or link
 * preview that fetches the URL changes nothing. No `action` attribute: the form posts back to the very URL it came from.
 */
const confirmationPage = (record: PublicApprovalRecord, decision: Decision, token: string): string =>
  layout(
    `${verbOf(decision)} this request?`,
    [
      details(record),
      `<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}">`,
      `<button type="submit">${verbOf(decision)}</button></form>`,
      '<p>This link works once. Nothing has been decided yet.</p>',
    ].join('\n'),
  );

const decidedPage = (status: string, record: { approvalId: string; decidedBy: string }): string =>
  layout(
    status === 'approved' ? 'Approved' : 'Rejected',
    `<p>Approval ${escapeHtml(record.approvalId)} was ${escapeHtml(status)} by ${escapeHtml(record.decidedBy)}.</p>` +
      `<p>${status === 'approved' ? 'The rotation continues.' : 'The rotation will not run.'}</p>`,
  );

const refusedPage = (reason: string): string => layout('Refused', `<p>Nothing was decided: ${escapeHtml(reason)}.</p>`);

export { confirmationPage, decidedPage, escapeHtml, refusedPage };
