// Reads: the read-cost report (functions/reads/domain/read-cost.ts, as `smcp reads` prints it) and, per secret,
// reads per minute with the detector's band and its alerts.
import type { ReadCostReport } from '../../../../functions/reads/domain/read-cost.ts';
import { get } from '../api.ts';
import { createReadChart } from '../chart.ts';
import { h, link } from '../dom.ts';
import { time, usd } from '../format.ts';
import { type PageFactory, section, table } from '../page.ts';

const readsPage: PageFactory = (root) => {
  const totals = section('Read cost (last 7 days)');
  const secrets = section('Secrets read');
  const uncached = section('Readers that look uncached');
  root.append(totals.element, secrets.element, uncached.element);
  return {
    async refresh() {
      let cost: ReadCostReport | undefined;
      try {
        cost = (await get<{ cost?: ReadCostReport }>('reads?days=7')).cost;
      } catch (error) {
        totals.fail(error);
        return;
      }
      if (!cost) {
        totals.show(h('p', { class: 'muted' }, 'This stage has no read counters.'));
        return;
      }
      totals.show(
        h(
          'p',
          { id: 'read-totals' },
          `${cost.totals.reads} reads of ${cost.totals.secrets} secrets from ${time(cost.from)} to ${time(cost.to)}: `,
          `${cost.totals.readsPerDay.toFixed(1)} a day, about ${usd(cost.totals.monthlyCost)} a month at ${usd(cost.pricePer10k)} per 10,000 calls. `,
          `${cost.totals.uncachedReaders} uncached readers; caching would save ${usd(cost.totals.savingsPerMonth)} a month.`,
        ),
      );
      secrets.show(
        table(
          ['Secret', 'Reads', 'Per day', 'Monthly cost', 'Top readers'],
          cost.secrets.map((s) =>
            h(
              'tr',
              { 'data-reads': s.name },
              h('td', null, link(['reads', s.secretArn], s.name)),
              h('td', null, String(s.reads)),
              h('td', null, s.readsPerDay.toFixed(1)),
              h('td', null, usd(s.monthlyCost)),
              h(
                'td',
                null,
                h(
                  'ul',
                  { class: 'readers' },
                  s.topReaders.map((r) => h('li', null, `${r.principal} (${Math.round(r.share * 100)}%)`)),
                ),
              ),
            ),
          ),
          'No reads counted yet.',
        ),
      );
      uncached.show(
        table(
          ['Secret', 'Principal', 'Peak per hour', 'Saves a month'],
          cost.uncached.map((u) =>
            h(
              'tr',
              null,
              h('td', null, u.name),
              h('td', null, u.principal),
              h('td', null, String(u.peakPerHour)),
              h('td', null, usd(u.savingsPerMonth)),
            ),
          ),
          `No reader reads one secret more than ${cost.uncachedPerHour} times an hour.`,
        ),
      );
    },
  };
};

const secretReadsPage: PageFactory = (root, [arn = '']) => {
  const name = arn.includes(':secret:') ? arn.slice(arn.indexOf(':secret:') + 8).replace(/-[A-Za-z0-9]{6}$/, '') : arn;
  const chartSection = section('Reads per minute (last 3 hours)');
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, `Reads of ${name}`),
      h('p', { class: 'muted' }, h('code', null, arn)),
    ),
    h('p', null, link(['secrets', arn], 'The secret')),
    chartSection.element,
  );
  const chart = createReadChart(chartSection);
  return { refresh: () => chart.update(arn), dispose: chart.destroy };
};

export { readsPage, secretReadsPage };
