// An execution as the console draws it: the state machine's graph from its ASL (states and the transitions between
// them), and from the history what ran: each state's visits with duration, input/output size and error, the path
// taken, and the state waiting now. Pure. The history's raw input, output and parameters never leave this module:
// parameters of a `.waitForTaskToken` task hold the task token, which lets anyone complete the task, so only sizes go
// out.

type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

interface GraphNode {
  readonly id: string;
  readonly type: string;
  readonly start: boolean;
  /** Ends the execution (End: true, Succeed, Fail). */
  readonly end: boolean;
}

interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

interface StateGraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

interface StateVisit {
  readonly state: string;
  readonly enteredAt: number;
  exitedAt: number | undefined;
  inputBytes: number;
  outputBytes: number | undefined;
  status: 'ok' | 'running' | 'waiting' | 'failed';
  error: string | undefined;
  cause: string | undefined;
}

interface HistoryLike {
  readonly type: string;
  readonly timestamp: number;
  readonly [details: string]: unknown;
}

type AslState = {
  Type?: unknown;
  Next?: unknown;
  End?: unknown;
  Default?: unknown;
  Choices?: unknown;
  Catch?: unknown;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The top-level states of an ASL definition (a Map's or Parallel's inner states stay inside their node). */
const graphOf = (definition: unknown): StateGraph => {
  const asl = typeof definition === 'string' ? (JSON.parse(definition) as unknown) : definition;
  if (!isObject(asl) || !isObject(asl.States)) return { nodes: [], edges: [] };
  const startAt = asl.StartAt;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (from: string, to: unknown, kind: EdgeKind) => {
    if (typeof to === 'string' && Object.hasOwn(asl.States as object, to)) edges.push({ from, to, kind });
  };
  for (const [id, raw] of Object.entries(asl.States)) {
    const state = (isObject(raw) ? raw : {}) as AslState;
    const type = typeof state.Type === 'string' ? state.Type : 'Unknown';
    nodes.push({ id, type, start: id === startAt, end: state.End === true || type === 'Succeed' || type === 'Fail' });
    add(id, state.Next, 'next');
    if (Array.isArray(state.Choices)) for (const choice of state.Choices) add(id, (choice as AslState)?.Next, 'choice');
    add(id, state.Default, 'default');
    if (Array.isArray(state.Catch)) for (const c of state.Catch) add(id, (c as AslState)?.Next, 'catch');
  }
  // One edge per pair: two choices leading to the same state are one arrow.
  const seen = new Set<string>();
  return {
    nodes,
    edges: edges.filter((e) => {
      const key = `${e.from}\u0000${e.to}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  };
};

const bytes = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text) : 0);

const detailsOf = (event: HistoryLike): Record<string, unknown> => {
  for (const [key, value] of Object.entries(event)) if (key.endsWith('EventDetails') && isObject(value)) return value;
  return {};
};

const FAILED = /(Failed|TimedOut|Aborted)$/;
const CALLBACK_CLOSED = new Set(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut']);
const CAUSE_LIMIT = 500;

/** Each state's visits in the order they began, from the history. */
const visitsOf = (history: readonly HistoryLike[]): StateVisit[] => {
  const visits: StateVisit[] = [];
  const open = new Map<string, StateVisit>();
  let current: StateVisit | undefined;
  for (const event of history) {
    const type = event.type;
    const details = detailsOf(event);
    if (type.endsWith('StateEntered') && typeof details.name === 'string') {
      current = {
        state: details.name,
        enteredAt: event.timestamp,
        exitedAt: undefined,
        inputBytes: bytes(details.input),
        outputBytes: undefined,
        status: 'running',
        error: undefined,
        cause: undefined,
      };
      visits.push(current);
      open.set(details.name, current);
    } else if (type.endsWith('StateExited') && typeof details.name === 'string') {
      const visit = open.get(details.name);
      if (visit) {
        visit.exitedAt = event.timestamp;
        visit.outputBytes = bytes(details.output);
        // A failure that a Catch handled leaves the state failed: the graph shows where it went wrong.
        if (visit.status !== 'failed') visit.status = 'ok';
        open.delete(details.name);
      }
    } else if (type === 'TaskSubmitted' && current) {
      current.status = 'waiting';
    } else if (CALLBACK_CLOSED.has(type) && current?.status === 'waiting') {
      current.status = 'running';
    }
    if (FAILED.test(type) && !type.startsWith('Execution') && current) {
      current.status = 'failed';
      current.error = typeof details.error === 'string' ? details.error : type;
      current.cause = typeof details.cause === 'string' ? details.cause.slice(0, CAUSE_LIMIT) : undefined;
    }
  }
  return visits;
};

interface ExecutionView {
  readonly graph: StateGraph;
  readonly visits: StateVisit[];
  /** The states in the order they were entered. */
  readonly path: string[];
  /** Transitions taken, each once. */
  readonly taken: { from: string; to: string }[];
  /** The state waiting for a callback now, if any. */
  readonly waiting: string | undefined;
}

/**
 * Joins the graph and the history. An execution that ended closes the visits still open: a Succeed or Fail state
 * ends with the execution and has no StateExited event of its own.
 */
const executionView = (
  definition: unknown,
  history: readonly HistoryLike[],
  ended: { status: string; stopDate: number | undefined },
): ExecutionView => {
  const visits = visitsOf(history);
  if (ended.status !== 'RUNNING') {
    for (const visit of visits) {
      if (visit.exitedAt !== undefined) continue;
      visit.exitedAt = ended.stopDate ?? visit.enteredAt;
      visit.status = ended.status === 'SUCCEEDED' ? 'ok' : 'failed';
      if (ended.status !== 'SUCCEEDED' && !visit.error) visit.error = ended.status;
    }
  }
  const path = visits.map((v) => v.state);
  const seen = new Set<string>();
  const taken: { from: string; to: string }[] = [];
  for (let i = 1; i < path.length; i++) {
    const from = path[i - 1] ?? '';
    const to = path[i] ?? '';
    const key = `${from}\u0000${to}`;
    if (!seen.has(key)) {
      seen.add(key);
      taken.push({ from, to });
    }
  }
  const waiting = ended.status === 'RUNNING' ? visits.findLast((v) => v.status === 'waiting')?.state : undefined;
  return { graph: graphOf(definition), visits, path, taken, waiting };
};

export type { EdgeKind, ExecutionView, GraphEdge, GraphNode, HistoryLike, StateGraph, StateVisit };
export { executionView, graphOf, visitsOf };
