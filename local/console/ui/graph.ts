// An execution's state machine as an SVG graph, laid out by dagre from the ASL: the path taken, each state's last
// visit (status and duration on hover), the waiting state highlighted. Labels are text nodes, never markup.
import dagre from '@dagrejs/dagre';
import type { ExecutionView, StateVisit } from '../graph.ts';
import { s } from './dom.ts';
import { duration } from './format.ts';

const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 34;

type Point = { readonly x: number; readonly y: number };

/** A smooth curve through dagre's points (Catmull-Rom as cubic Béziers). */
const smoothPath = (points: readonly Point[]): string => {
  const f = (p: Point) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`;
  const [first] = points;
  if (!first) return '';
  let d = `M${f(first)}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[i - 1] ?? points[i] ?? first;
    const p1 = points[i] ?? first;
    const p2 = points[i + 1] ?? p1;
    const p3 = points[i + 2] ?? p2;
    const c1 = { x: p1.x + (p2.x - p0.x) / 6, y: p1.y + (p2.y - p0.y) / 6 };
    const c2 = { x: p2.x - (p3.x - p1.x) / 6, y: p2.y - (p3.y - p1.y) / 6 };
    d += ` C${f(c1)} ${f(c2)} ${f(p2)}`;
  }
  return d;
};

const statusOf = (visits: readonly StateVisit[]): string => {
  const last = visits.at(-1);
  return last ? last.status : 'unvisited';
};

const drawGraph = (view: ExecutionView): SVGElement => {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 32, marginx: 12, marginy: 12, ranker: 'tight-tree' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of view.graph.nodes) {
    g.setNode(node.id, { width: Math.max(90, node.id.length * CHAR_WIDTH + 28), height: NODE_HEIGHT });
  }
  // The happy path pulls harder than the catches that lead to compensation, so it stays in line.
  for (const edge of view.graph.edges) g.setEdge(edge.from, edge.to, { weight: edge.kind === 'catch' ? 1 : 3 });
  dagre.layout(g);

  const taken = new Set(view.taken.map((t) => `${t.from}\u0000${t.to}`));
  const visits = new Map<string, StateVisit[]>();
  for (const visit of view.visits) visits.set(visit.state, [...(visits.get(visit.state) ?? []), visit]);
  const { width = 0, height = 0 } = g.graph();

  const edges = view.graph.edges.map((edge) => {
    const points = g.edge(edge.from, edge.to)?.points ?? [];
    const d = smoothPath(points);
    const wasTaken = taken.has(`${edge.from}\u0000${edge.to}`);
    return s('path', {
      d,
      class: `edge edge-${edge.kind}${wasTaken ? ' taken' : ''}`,
      'marker-end': wasTaken ? 'url(#arrow-taken)' : 'url(#arrow)',
    });
  });

  const nodes = view.graph.nodes.map((node) => {
    const layout = g.node(node.id);
    const own = visits.get(node.id) ?? [];
    const status = node.id === view.waiting ? 'waiting' : statusOf(own);
    const last = own.at(-1);
    const tip = last
      ? `${node.id} (${node.type}): ${status}, ${duration(last.exitedAt === undefined ? undefined : last.exitedAt - last.enteredAt)}${own.length > 1 ? `, ${own.length} visits` : ''}${last.error ? `, ${last.error}` : ''}`
      : `${node.id} (${node.type}): not reached`;
    const x = layout.x - layout.width / 2;
    const y = layout.y - layout.height / 2;
    return s(
      'g',
      { class: `node node-${node.type.toLowerCase()} status-${status}`, 'data-state': node.id, 'data-status': status },
      s('title', null, tip),
      s('rect', {
        x: x.toFixed(1),
        y: y.toFixed(1),
        width: layout.width.toFixed(1),
        height: layout.height.toFixed(1),
        rx: node.type === 'Choice' ? 14 : 5,
      }),
      s('text', { x: layout.x.toFixed(1), y: (layout.y + 4).toFixed(1), 'text-anchor': 'middle' }, node.id),
    );
  });

  const marker = (id: string) =>
    s(
      'marker',
      {
        id,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 8,
        markerHeight: 8,
        markerUnits: 'userSpaceOnUse',
        orient: 'auto-start-reverse',
      },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: id }),
    );
  return s(
    'svg',
    {
      class: 'state-graph',
      width: Math.ceil(width),
      height: Math.ceil(height),
      viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
      role: 'img',
      'aria-label': 'State machine graph',
    },
    s('defs', null, marker('arrow'), marker('arrow-taken')),
    s('g', { class: 'edges' }, edges),
    s('g', { class: 'nodes' }, nodes),
  );
};

export { drawGraph };
