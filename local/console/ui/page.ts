// A page of the console: mounted once per visit, refreshed on every change the server announces.
import { clear, h } from './dom.ts';

interface Page {
  /** Fetches and redraws what changes; keeps what the user is typing (filters) as it is. */
  refresh(): Promise<void>;
  dispose?(): void;
}

type PageFactory = (root: HTMLElement, params: readonly string[]) => Page;

const statusBadge = (status: string) => h('span', { class: `badge status-${status.toLowerCase()}` }, status);

const stageBadges = (stages: readonly string[]) =>
  stages.length === 0
    ? h('span', { class: 'muted' }, 'no label')
    : stages.map((stage) => h('span', { class: `badge stage stage-${stage.toLowerCase()}` }, stage));

const table = (headers: readonly string[], rows: readonly Node[], empty: string) =>
  rows.length === 0
    ? h('p', { class: 'muted empty' }, empty)
    : h(
        'table',
        null,
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            headers.map((t) => h('th', null, t)),
          ),
        ),
        h('tbody', null, rows),
      );

/** A section whose body is replaced on refresh; errors show where the data would. */
const section = (title: string) => {
  const body = h('div', { class: 'section-body' });
  const element = h('section', null, h('h2', null, title), body);
  return {
    element,
    show: (...content: (Node | string | null | undefined | false | (Node | string)[])[]) => clear(body, ...content),
    fail: (error: unknown) => clear(body, h('p', { class: 'error' }, `Could not load: ${(error as Error).message}`)),
  };
};

export type { Page, PageFactory };
export { section, stageBadges, statusBadge, table };
