// The console's page: a header (pages, the operator, the local cloud's clock), one view chosen by the URL's hash,
// refreshed whenever the server announces a change (server-sent events) and every few seconds besides.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { get } from './api.ts';
import { clear, h } from './dom.ts';
import { time } from './format.ts';
import type { Page, PageFactory } from './page.ts';
import { approvalsPage } from './pages/approvals.ts';
import { eventsPage } from './pages/events.ts';
import { executionPage, executionsPage } from './pages/executions.ts';
import { readsPage, secretReadsPage } from './pages/reads.ts';
import { secretPage, secretsPage } from './pages/secrets.ts';

const PAGES: Record<string, { title: string; list: PageFactory; item?: PageFactory }> = {
  secrets: { title: 'Secrets', list: secretsPage, item: secretPage },
  executions: { title: 'Executions', list: executionsPage, item: executionPage },
  approvals: { title: 'Approvals', list: approvalsPage },
  reads: { title: 'Reads', list: readsPage, item: secretReadsPage },
  events: { title: 'Events', list: eventsPage },
};
// A change stream can miss nothing but a dropped connection; the poll covers that.
const POLL_MS = 5_000;

const view = document.getElementById('view') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let current: { page: Page; key: string } | undefined;
let refreshing: Promise<void> | undefined;
let again = false;

/** Refreshes the current view, one refresh at a time (a change during one runs another after it). */
const refresh = async (): Promise<void> => {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  const page = current?.page;
  if (!page) return;
  refreshing = page.refresh().finally(() => {
    refreshing = undefined;
    document.body.dataset.refreshed = String(Date.now());
  });
  await refreshing;
  if (again) {
    again = false;
    await refresh();
  }
};

const route = () => {
  const [name = 'secrets', ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const entry = PAGES[name] ?? PAGES.secrets;
  if (!entry) return;
  const key = location.hash;
  if (current?.key === key) return;
  current?.page.dispose?.();
  clear(view);
  const root = h('div', { class: `page page-${name}` });
  view.append(root);
  const factory = rest.length > 0 && entry.item ? entry.item : entry.list;
  current = { page: factory(root, rest), key };
  for (const a of Array.from(nav.querySelectorAll('a'))) a.classList.toggle('active', a.dataset.page === name);
  document.title = `${entry.title} — smcp console`;
  void refresh();
};

const start = async () => {
  clear(
    nav,
    Object.entries(PAGES).map(([name, { title }]) => h('a', { href: `#/${name}`, 'data-page': name }, title)),
  );
  window.addEventListener('hashchange', route);
  route();
  const session = await get<{ operator: string; now: string; stage: string }>('session').catch(() => undefined);
  const operator = document.getElementById('operator');
  if (operator && session) operator.textContent = session.operator;
  const clock = document.getElementById('clock');
  const live = document.getElementById('live');
  const showClock = async () => {
    const now = await get<{ now: string }>('session').catch(() => undefined);
    if (clock && now) clock.textContent = `local cloud time ${time(now.now)}`;
  };
  void showClock();
  const changes = new EventSource('api/changes');
  changes.addEventListener('open', () => {
    if (live) live.textContent = '●';
    if (live) live.title = 'Live: updates as the local cloud changes';
  });
  changes.addEventListener('error', () => {
    if (live) live.textContent = '○';
    if (live) live.title = `Not connected: polling every ${POLL_MS / 1000} s`;
  });
  changes.addEventListener('change', () => {
    void refresh();
    void showClock();
  });
  setInterval(() => {
    void refresh();
    void showClock();
  }, POLL_MS);
};

void start();
