// A secret's reads per minute with the detector's expected band and its alerts, drawn with uPlot. The band comes
// from the server (local/console/band.ts); alerts are the detector's own `Read Spike Detected` events.
import uPlot from 'uplot';
import type { BandPoint } from '../band.ts';
import { get, path } from './api.ts';
import { h } from './dom.ts';
import { time } from './format.ts';
import type { section } from './page.ts';

interface ReadsView {
  secretArn: string;
  points: BandPoint[];
  alerts: { windowStart: string; observed: number; expected: number; score: number }[];
}

const MINUTE_S = 60;

/** Draws a red line at each alert's minute. */
const alertMarkers = (alerts: () => readonly number[]): uPlot.Plugin => ({
  hooks: {
    draw: [
      (u) => {
        const { ctx } = u;
        ctx.save();
        ctx.strokeStyle = '#d1242f';
        ctx.fillStyle = '#d1242f';
        ctx.lineWidth = 2 * devicePixelRatio;
        for (const at of alerts()) {
          const x = u.valToPos(at, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.beginPath();
          ctx.arc(x, u.bbox.top + 6 * devicePixelRatio, 5 * devicePixelRatio, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      },
    ],
  },
});

const createReadChart = (target: ReturnType<typeof section>, hours = 3) => {
  let plot: uPlot | undefined;
  let alertTimes: number[] = [];
  const update = async (secretArn: string) => {
    let view: ReadsView;
    try {
      view = await get<ReadsView>(`reads/${path(secretArn)}?hours=${hours}`);
    } catch (error) {
      target.fail(error);
      return;
    }
    plot?.destroy();
    plot = undefined;
    const points = view.points;
    alertTimes = view.alerts.map((a) => Date.parse(a.windowStart) / 1000);
    const last = points.at(-1);
    const warm = points.some((p) => p.upper !== undefined);
    const total = points.reduce((sum, p) => sum + p.count, 0);
    const holder = h('div', {
      class: 'chart',
      'data-alerts': String(view.alerts.length),
      'data-points': String(points.length),
    });
    const summary = h(
      'p',
      { class: 'muted chart-summary' },
      `${total} reads in the last ${hours} h. `,
      warm && last
        ? `This minute: expected ${last.expected.toFixed(1)}, normal up to ${last.upper ?? '—'} reads.`
        : 'The detector is warming up (it scores a secret after its first day of reads): no band yet.',
    );
    const alerts = view.alerts.length
      ? h(
          'table',
          { class: 'alerts' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['Alert (minute)', 'Reads', 'Expected', 'Score'].map((t) => h('th', null, t)),
            ),
          ),
          h(
            'tbody',
            null,
            view.alerts.map((a) =>
              h(
                'tr',
                { 'data-alert': a.windowStart },
                h('td', null, h('span', { class: 'badge status-failed' }, 'alert'), ' ', time(a.windowStart)),
                h('td', null, String(a.observed)),
                h('td', null, a.expected.toFixed(1)),
                h('td', null, a.score.toFixed(2)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No alerts for this secret.');
    target.show(summary, holder, alerts);
    if (points.length === 0) return;
    const xs = points.map((p) => p.minute / 1000);
    const data: uPlot.AlignedData = [
      xs,
      points.map((p) => p.count),
      points.map((p) => p.expected),
      points.map((p) => p.upper ?? null),
      points.map((p) => p.lower ?? null),
    ];
    const width = Math.max(320, holder.clientWidth || 800);
    plot = new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.1)] } },
        series: [
          {},
          { label: 'reads/min', stroke: '#0969da', width: 2, points: { show: false } },
          { label: 'expected', stroke: '#6e7781', dash: [6, 4], width: 1, points: { show: false } },
          { label: 'band top', stroke: 'rgba(26,127,55,0.6)', width: 1, points: { show: false } },
          { label: 'band bottom', stroke: 'rgba(26,127,55,0.6)', width: 1, points: { show: false } },
        ],
        bands: [{ series: [3, 4], fill: 'rgba(26,127,55,0.12)' }],
        axes: [{}, { label: 'reads per minute' }],
        plugins: [alertMarkers(() => alertTimes)],
        cursor: { drag: { x: false, y: false } },
        legend: { live: false },
      },
      data,
      holder,
    );
    // The x axis spans whole minutes: the last point is this minute.
    plot.setScale('x', { min: (xs[0] ?? 0) - MINUTE_S / 2, max: (xs.at(-1) ?? 0) + MINUTE_S / 2 });
  };
  return { update, destroy: () => plot?.destroy() };
};

export { createReadChart };
