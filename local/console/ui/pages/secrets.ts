// Secrets: the filterable table, and a secret's page (versions and labels over time, its executions, its reads).
import type { ExecutionRow, SecretView } from '../../sources.ts';
import { get, path } from '../api.ts';
import { createReadChart } from '../chart.ts';
import { clear, h, link } from '../dom.ts';
import { duration, shortId, time } from '../format.ts';
import { type PageFactory, section, stageBadges, statusBadge, table } from '../page.ts';

const matches = (secret: SecretView, needle: string) => {
  if (!needle) return true;
  const haystack = [
    secret.name,
    secret.description ?? '',
    ...secret.tags.flatMap((t) => [t.key, t.value, `${t.key}=${t.value}`]),
  ]
    .join('\n')
    .toLowerCase();
  return needle
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
};

const versionsCell = (secret: SecretView) =>
  h(
    'ul',
    { class: 'versions' },
    secret.versions
      .filter((v) => v.stages.length > 0)
      .map((v) => h('li', { title: v.versionId }, h('code', null, shortId(v.versionId)), ' ', stageBadges(v.stages))),
  );

const tagsCell = (secret: SecretView) =>
  h(
    'ul',
    { class: 'tags' },
    secret.tags.map((t) => h('li', null, h('span', { class: 'tag-key' }, t.key), '=', h('span', null, t.value))),
  );

const replicasCell = (secret: SecretView) =>
  secret.replicas.length === 0
    ? h('span', { class: 'muted' }, '—')
    : h(
        'ul',
        { class: 'replicas' },
        secret.replicas.map((r) => h('li', { title: r.statusMessage }, `${r.region} `, statusBadge(r.status))),
      );

const secretsPage: PageFactory = (root) => {
  const filter = h('input', {
    type: 'search',
    id: 'secret-filter',
    placeholder: 'Filter by name, description or tag (key=value)',
    'aria-label': 'Filter secrets',
  });
  const list = section('Secrets');
  root.append(h('div', { class: 'toolbar' }, filter), list.element);
  let secrets: SecretView[] = [];
  const draw = () => {
    const shown = secrets.filter((s) => matches(s, filter.value.trim()));
    list.show(
      h('p', { class: 'muted count' }, `${shown.length} of ${secrets.length} secrets`),
      table(
        ['Name', 'Versions and labels', 'Tags', 'Replicas', 'Last accessed', 'Deletion date'],
        shown.map((s) =>
          h(
            'tr',
            { 'data-secret': s.name },
            h(
              'td',
              null,
              link(['secrets', s.name], s.name),
              s.description ? h('div', { class: 'desc' }, s.description) : null,
            ),
            h('td', null, versionsCell(s)),
            h('td', null, tagsCell(s)),
            h('td', null, replicasCell(s)),
            h('td', null, time(s.lastAccessedDate)),
            h('td', null, s.deletionDate ? h('span', { class: 'warn' }, time(s.deletionDate)) : '—'),
          ),
        ),
        secrets.length === 0 ? 'No secrets yet.' : 'No secret matches the filter.',
      ),
    );
  };
  filter.addEventListener('input', draw);
  return {
    async refresh() {
      try {
        secrets = (await get<{ secrets: SecretView[] }>('secrets')).secrets;
        draw();
      } catch (error) {
        list.fail(error);
      }
    },
  };
};

const executionRows = (executions: readonly ExecutionRow[]) =>
  executions.map((e) =>
    h(
      'tr',
      { 'data-execution': e.name },
      h('td', null, e.workflow),
      h('td', null, link(['executions', e.executionArn], e.name)),
      h('td', null, statusBadge(e.status)),
      h('td', null, time(e.startDate)),
      h('td', null, duration(e.durationMs)),
    ),
  );

interface SecretDetail {
  secret: SecretView;
  history: { time: string; change: string; versionId: string; by: string }[];
  executions: ExecutionRow[];
}

const secretPage: PageFactory = (root, [id = '']) => {
  const head = h('div', { class: 'page-head' });
  const versions = section('Versions and labels');
  const history = section('Labels over time');
  const executions = section('Executions');
  const reads = section('Reads per minute');
  root.append(head, versions.element, history.element, executions.element, reads.element);
  const chart = createReadChart(reads);
  return {
    dispose: chart.destroy,
    async refresh() {
      let detail: SecretDetail;
      try {
        detail = await get<SecretDetail>(`secrets/${path(id)}`);
      } catch (error) {
        head.replaceChildren(h('h1', null, id), h('p', { class: 'error' }, (error as Error).message));
        return;
      }
      const { secret } = detail;
      clear(
        head,
        h('h1', { id: 'secret-name' }, secret.name),
        secret.description ? h('p', { class: 'desc', id: 'secret-description' }, secret.description) : null,
        h('p', { class: 'muted' }, h('code', null, secret.arn)),
        h('div', { class: 'meta' }, tagsCell(secret), replicasCell(secret)),
        secret.deletionDate
          ? h('p', { class: 'warn' }, `Scheduled for deletion on ${time(secret.deletionDate)}`)
          : null,
      );
      versions.show(
        table(
          ['Version', 'Labels', 'Created', 'Last accessed'],
          secret.versions.map((v) =>
            h(
              'tr',
              { 'data-version': v.versionId },
              h('td', null, h('code', null, v.versionId)),
              h('td', { class: 'labels' }, stageBadges(v.stages)),
              h('td', null, time(v.createdDate)),
              h('td', null, time(v.lastAccessedDate)),
            ),
          ),
          'No versions.',
        ),
      );
      history.show(
        table(
          ['Time', 'Change', 'By'],
          [...detail.history]
            .reverse()
            .map((c) => h('tr', null, h('td', null, time(c.time)), h('td', null, c.change), h('td', null, c.by))),
          'No label changes in the recent audit trail.',
        ),
      );
      executions.show(
        table(
          ['Workflow', 'Execution', 'Status', 'Started', 'Duration'],
          executionRows(detail.executions),
          'No executions.',
        ),
      );
      await chart.update(secret.arn);
    },
  };
};

export { executionRows, secretPage, secretsPage };
