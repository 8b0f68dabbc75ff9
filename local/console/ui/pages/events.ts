// Events: the recent bus events, the audit trail, filterable by source and detail-type; each one's JSON on demand.
import type { BusEvent } from '../../../eventbridge/bus.ts';
import { get } from '../api.ts';
import { h } from '../dom.ts';
import { time } from '../format.ts';
import { type PageFactory, section, table } from '../page.ts';

interface EventsView {
  sources: string[];
  detailTypes: string[];
  total: number;
  events: BusEvent[];
}

/** One line about an event: what CloudTrail recorded, or what an smcp event is about. */
const summaryOf = (event: BusEvent): string => {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  if (typeof detail.eventName === 'string') {
    const params = (detail.requestParameters ?? {}) as Record<string, unknown>;
    const who = (detail.userIdentity as { arn?: unknown } | undefined)?.arn;
    const on = params.secretId ?? params.name ?? (detail.additionalEventData as { SecretId?: unknown })?.SecretId;
    return `${detail.eventName}${on ? ` ${String(on)}` : ''}${who ? ` by ${String(who)}` : ''}${detail.errorCode ? ` → ${String(detail.errorCode)}` : ''}`;
  }
  const parts = [detail.secretId, detail.status, detail.approvalId, detail.name].filter((p) => typeof p === 'string');
  return parts.join(' · ');
};

const select = (id: string, label: string, values: readonly string[], current: string) =>
  h(
    'select',
    { id, 'aria-label': label },
    h('option', { value: '' }, `any ${label}`),
    values.map((v) => h('option', { value: v, selected: v === current }, v)),
  );

const eventsPage: PageFactory = (root) => {
  const filters = h('div', { class: 'toolbar' });
  const list = section('Recent events');
  root.append(filters, list.element);
  let source = '';
  let detailType = '';
  const open = new Set<string>();
  const refresh = async () => {
    let view: EventsView;
    try {
      const query = new URLSearchParams({ source, detailType });
      view = await get<EventsView>(`events?${query}`);
    } catch (error) {
      list.fail(error);
      return;
    }
    const sourceSelect = select('event-source', 'source', view.sources, source);
    const typeSelect = select('event-type', 'detail-type', view.detailTypes, detailType);
    sourceSelect.addEventListener('change', () => {
      source = sourceSelect.value;
      void refresh();
    });
    typeSelect.addEventListener('change', () => {
      detailType = typeSelect.value;
      void refresh();
    });
    filters.replaceChildren(sourceSelect, typeSelect, h('span', { class: 'muted' }, `${view.total} events`));
    list.show(
      table(
        ['Time', 'Source', 'Detail type', 'About', ''],
        view.events.flatMap((event) => {
          const row = h(
            'tr',
            { 'data-event': event.id },
            h('td', null, time(event.time)),
            h('td', null, event.source),
            h('td', null, event['detail-type']),
            h('td', { class: 'about' }, summaryOf(event)),
            h('td', null, h('button', { type: 'button', class: 'link' }, open.has(event.id) ? 'hide' : 'JSON')),
          );
          const json = h(
            'tr',
            { class: 'json' },
            h('td', { colspan: 5 }, h('pre', null, JSON.stringify(event, null, 2))),
          );
          json.hidden = !open.has(event.id);
          row.querySelector('button')?.addEventListener('click', (e) => {
            if (open.has(event.id)) open.delete(event.id);
            else open.add(event.id);
            json.hidden = !open.has(event.id);
            (e.currentTarget as HTMLElement).textContent = json.hidden ? 'JSON' : 'hide';
          });
          return [row, json];
        }),
        'No events match.',
      ),
    );
  };
  return { refresh };
};

export { eventsPage };
