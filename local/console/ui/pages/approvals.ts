// Approvals: pending ones with Approve and Reject, decided ones with who and when. A click asks the server, which
// invokes the `approve` function as the console's operator: the same policy as Slack, links and the CLI decides
// (allowlist, no self-approval, once), and a refusal is shown with its reason.
import type { ApprovalRow } from '../../sources.ts';
import { get, path, post } from '../api.ts';
import { h, link } from '../dom.ts';
import { secretName, time } from '../format.ts';
import { type PageFactory, section, statusBadge, table } from '../page.ts';

interface DecisionAnswer {
  ok?: boolean;
  status?: string;
  decidedBy?: string;
  reason?: string;
  error?: string;
}

// How each decision made from this page went, by approval id: shown until the page is left, through refreshes.
const notes = new Map<string, { text: string; ok: boolean }>();

/** The line that tells how the decision on this approval went, if one was made here. */
/** What was asked, by whom and why: the first cells of a pending and of a decided approval alike. */
const requestCells = (a: ApprovalRow) => [
  h('td', null, a.executionArn ? link(['executions', a.executionArn], a.approvalId) : a.approvalId),
  h('td', null, a.action),
  h('td', { title: a.secretId }, link(['secrets', a.secretId], secretName(a.secretId))),
  h('td', { class: 'requester' }, a.requestedBy),
  h('td', { class: 'reason' }, a.reason ?? ''),
];

const decisionNote = (approvalId: string) => {
  const note = notes.get(approvalId);
  return note ? h('span', { class: `decision-message ${note.ok ? 'ok' : 'error'}`, role: 'status' }, note.text) : null;
};

/** The two buttons of a pending approval; `after` redraws the page once the answer is in. */
const decisionButtons = (approval: ApprovalRow, after: () => Promise<void> | void) => {
  const decide = (decision: 'approve' | 'reject') => async (event: Event) => {
    const buttons = Array.from((event.currentTarget as HTMLElement).parentElement?.querySelectorAll('button') ?? []);
    for (const b of buttons) b.disabled = true;
    try {
      const answer = await post<DecisionAnswer>(`approvals/${path(approval.approvalId)}/${decision}`);
      notes.set(approval.approvalId, {
        ok: answer.ok === true,
        text: answer.ok
          ? `${answer.status === 'approved' ? 'Approved' : 'Rejected'} as ${answer.decidedBy ?? ''}`
          : `Refused: ${answer.reason ?? answer.error ?? 'no reason given'}`,
      });
    } catch (error) {
      notes.set(approval.approvalId, { ok: false, text: `Failed: ${(error as Error).message}` });
    }
    for (const b of buttons) b.disabled = false;
    await after();
  };
  return h(
    'span',
    { class: 'decide' },
    h('button', { type: 'button', class: 'approve', onclick: decide('approve') }, 'Approve'),
    h('button', { type: 'button', class: 'reject', onclick: decide('reject') }, 'Reject'),
    decisionNote(approval.approvalId),
  );
};

const approvalsPage: PageFactory = (root) => {
  const pending = section('Pending');
  const decided = section('Decided');
  root.append(pending.element, decided.element);
  const refresh = async () => {
    let approvals: ApprovalRow[];
    try {
      approvals = (await get<{ approvals: ApprovalRow[] }>('approvals')).approvals;
    } catch (error) {
      pending.fail(error);
      return;
    }
    const open = approvals.filter((a) => a.status === 'pending');
    pending.show(
      table(
        ['Approval', 'Action', 'Secret', 'Requested by', 'Reason', 'Expires', 'Decide'],
        open.map((a) =>
          h(
            'tr',
            { 'data-approval': a.approvalId },
            ...requestCells(a),
            h('td', null, time(a.expiresAt)),
            h('td', null, decisionButtons(a, refresh)),
          ),
        ),
        'No approval is waiting.',
      ),
    );
    const closed = approvals.filter((a) => a.status !== 'pending');
    decided.show(
      table(
        ['Approval', 'Action', 'Secret', 'Requested by', 'Reason', 'Decision', 'By', 'At'],
        closed.map((a) =>
          h(
            'tr',
            { 'data-approval': a.approvalId },
            ...requestCells(a),
            h('td', null, statusBadge(a.status), ' ', decisionNote(a.approvalId)),
            h('td', null, a.decidedBy ?? '—'),
            h('td', null, time(a.decidedAt)),
          ),
        ),
        'No decided approval.',
      ),
    );
  };
  return { refresh };
};

export { approvalsPage, decisionButtons, decisionNote };
