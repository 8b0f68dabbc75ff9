// Executions: every workflow's executions, and an execution's page: its state machine as a graph with the path
// taken, each state's visits, the waiting state, and (when it waits for an approval) the Approve and Reject buttons.
import type { ExecutionView } from '../../graph.ts';
import type { ApprovalRow, ExecutionRow, SecretView } from '../../sources.ts';
import { get, path } from '../api.ts';
import { clear, h, link } from '../dom.ts';
import { duration, secretName, shortId, size, time } from '../format.ts';
import { drawGraph } from '../graph.ts';
import { type PageFactory, section, stageBadges, statusBadge, table } from '../page.ts';
import { decisionButtons, decisionNote } from './approvals.ts';

const executionsPage: PageFactory = (root) => {
  const filter = h('input', {
    type: 'search',
    id: 'execution-filter',
    placeholder: 'Filter by workflow, status, name or secret',
    'aria-label': 'Filter executions',
  });
  const list = section('Executions');
  root.append(h('div', { class: 'toolbar' }, filter), list.element);
  let executions: ExecutionRow[] = [];
  const draw = () => {
    const needle = filter.value.trim().toLowerCase();
    const shown = executions.filter((e) =>
      [e.workflow, e.status, e.name, e.secretId ?? ''].join('\n').toLowerCase().includes(needle),
    );
    list.show(
      table(
        ['Workflow', 'Execution', 'Secret', 'Status', 'Started', 'Duration'],
        shown.map((e) =>
          h(
            'tr',
            { 'data-execution': e.name },
            h('td', null, e.workflow),
            h('td', null, link(['executions', e.executionArn], e.name)),
            h('td', { title: e.secretId ?? '' }, e.secretId ? secretName(e.secretId) : '—'),
            h('td', null, statusBadge(e.status)),
            h('td', null, time(e.startDate)),
            h('td', null, duration(e.durationMs)),
          ),
        ),
        executions.length === 0 ? 'No executions yet.' : 'No execution matches the filter.',
      ),
    );
  };
  filter.addEventListener('input', draw);
  return {
    async refresh() {
      try {
        executions = (await get<{ executions: ExecutionRow[] }>('executions')).executions;
        draw();
      } catch (error) {
        list.fail(error);
      }
    },
  };
};

interface ExecutionDetail {
  execution: ExecutionRow;
  cause?: string;
  view: ExecutionView;
  approvals: ApprovalRow[];
  secret?: SecretView;
}

const executionPage: PageFactory = (root, [id = '']) => {
  const head = h('div', { class: 'page-head' });
  const approval = h('div', { class: 'approval-panel' });
  const labels = section('Secret versions');
  const graph = section('State machine');
  const states = section('States');
  root.append(head, approval, graph.element, states.element, labels.element);
  // One scroll box for the page's life: a refresh swaps the drawing inside and keeps where the reader scrolled to.
  const scroller = h('div', { class: 'graph-scroll' });
  let placed = false;
  return {
    async refresh() {
      let detail: ExecutionDetail;
      try {
        detail = await get<ExecutionDetail>(`executions/${path(id)}`);
      } catch (error) {
        head.replaceChildren(h('h1', null, id), h('p', { class: 'error' }, (error as Error).message));
        return;
      }
      const { execution, view } = detail;
      clear(
        head,
        h('h1', null, `${execution.workflow} `, h('span', { class: 'muted' }, execution.name)),
        h(
          'p',
          { class: 'meta' },
          h('span', { id: 'execution-status' }, statusBadge(execution.status)),
          ` started ${time(execution.startDate)}, `,
          `${execution.stopDate ? 'took' : 'running for'} ${duration(execution.durationMs)}`,
          execution.secretId
            ? [' — secret ', link(['secrets', execution.secretId], secretName(execution.secretId))]
            : null,
          view.waiting ? [' — waiting in ', h('strong', { id: 'waiting-state' }, view.waiting)] : null,
        ),
        execution.error
          ? h('p', { class: 'error' }, `${execution.error}${detail.cause ? `: ${detail.cause}` : ''}`)
          : null,
      );
      const pending = detail.approvals.filter((a) => a.status === 'pending');
      clear(
        approval,
        ...detail.approvals.map((a) =>
          h(
            'div',
            { class: `approval approval-${a.status}`, 'data-approval': a.approvalId },
            h('strong', null, `Approval ${a.approvalId}`),
            ` ${a.action} — requested by `,
            h('span', { class: 'requester' }, a.requestedBy),
            a.reason ? [' — reason: ', h('q', { class: 'reason' }, a.reason)] : null,
            ' ',
            statusBadge(a.status),
            a.decidedBy ? ` by ${a.decidedBy} at ${time(a.decidedAt)}` : null,
            pending.includes(a) ? decisionButtons(a, () => this.refresh()) : [' ', decisionNote(a.approvalId)],
          ),
        ),
      );
      const svg = drawGraph(view);
      const { scrollLeft, scrollTop } = scroller;
      scroller.replaceChildren(svg);
      graph.show(scroller);
      if (placed) {
        scroller.scrollLeft = scrollLeft;
        scroller.scrollTop = scrollTop;
      } else {
        // First drawing: bring the state the execution is in (or ended in) into view.
        placed = true;
        const focus = view.waiting ?? view.path.at(-1);
        const node = focus ? svg.querySelector(`g[data-state="${CSS.escape(focus)}"] rect`) : null;
        if (node) {
          const x = Number(node.getAttribute('x')) + Number(node.getAttribute('width')) / 2;
          const y = Number(node.getAttribute('y'));
          scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
          scroller.scrollTop = Math.max(0, y - scroller.clientHeight / 3);
        }
      }
      states.show(
        table(
          ['State', 'Status', 'Entered', 'Duration', 'Input', 'Output', 'Error'],
          view.visits.map((v) =>
            h(
              'tr',
              { 'data-visit': v.state, class: `status-${v.status}` },
              h('td', null, v.state),
              h('td', null, statusBadge(v.status)),
              h('td', null, time(new Date(v.enteredAt).toISOString())),
              h('td', null, duration(v.exitedAt === undefined ? undefined : v.exitedAt - v.enteredAt)),
              h('td', null, size(v.inputBytes)),
              h('td', null, size(v.outputBytes)),
              h('td', { title: v.cause ?? '' }, v.error ?? ''),
            ),
          ),
          'No state entered yet.',
        ),
      );
      const secret = detail.secret;
      labels.show(
        secret
          ? table(
              ['Version', 'Labels', 'Created'],
              secret.versions
                .filter((v) => v.stages.length > 0)
                .map((v) =>
                  h(
                    'tr',
                    { 'data-version': v.versionId },
                    h('td', { title: v.versionId }, h('code', null, shortId(v.versionId))),
                    h('td', { class: 'labels' }, stageBadges(v.stages)),
                    h('td', null, time(v.createdDate)),
                  ),
                ),
              'No labelled versions.',
            )
          : h('p', { class: 'muted' }, 'No secret of this name exists now.'),
      );
    },
  };
};

export { executionPage, executionsPage };
