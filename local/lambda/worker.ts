// The handlers' thread (`lambdaThread: 'worker'`, as `smcp local` runs): loads the project's handler modules and runs
// each invocation the endpoint's thread posts, so a handler's synchronous work (parsing and aggregating a batch of
// thousands of records) never holds up the requests the endpoint is answering. Its scheduling priority is lowered
// (on Linux the nice value is per thread): when both want the CPU the endpoint wins, and the pipeline catches up when
// the load drops, as an asynchronous pipeline does on AWS too.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { describeRejection } from '../crash-guard.ts';
import { contextFor, createHandlerLoader } from './handlers.ts';
import { withOutputTo } from './output.ts';
import { type FromWorker, type ToWorker, toWire } from './thread-messages.ts';

const port = parentPort;
if (!port) throw new Error('local/lambda/worker.ts runs as a worker thread');
const { root, nice } = workerData as { root: string; nice: number };

try {
  setPriority(0, nice);
} catch {
  // Not permitted or not supported here: the thread runs at the process's priority.
}

// As `smcp local`'s guard does for its own thread: a rejection a handler left unhandled is logged (name and frames,
// never its message) and the other invocations go on.
process.on('unhandledRejection', (reason) => console.error(describeRejection(reason)));

const load = createHandlerLoader(root);
const send = (message: FromWorker) => port.postMessage(message);

// Output lines wait for the end of the turn and go in one message; an invocation's own lines go before its answer.
let lines: [string, string][] = [];
let flushing = false;
const flushLines = () => {
  flushing = false;
  if (lines.length === 0) return;
  send({ type: 'lines', lines });
  lines = [];
};
const sink = (functionName: string, line: string) => {
  lines.push([functionName, line]);
  if (!flushing) {
    flushing = true;
    setImmediate(flushLines);
  }
};

// Records sent ahead of their invocation, by invocation id.
const slices = new Map<number, unknown[]>();

const eventOf = (message: Extract<ToWorker, { type: 'invoke' }>): unknown => {
  const event = JSON.parse(message.event) as Record<string, unknown>;
  if (!message.sliced) return event;
  const records = slices.get(message.id) ?? [];
  slices.delete(message.id);
  return { ...event, Records: records };
};

const run = async (message: Extract<ToWorker, { type: 'invoke' }>): Promise<string> => {
  const event = eventOf(message);
  const handler = await load(message.fn);
  const context = contextFor(message.fn, message.requestId, message.deadline);
  const work = () => handler(event, context);
  const result = message.capture ? await withOutputTo(sink, message.fn.name, work) : await work();
  return JSON.stringify(result) ?? 'null';
};

port.on('message', (message: ToWorker) => {
  if (message.type === 'forget') {
    slices.delete(message.id);
    return;
  }
  if (message.type === 'records') {
    const records = slices.get(message.id);
    if (records) for (const record of message.records) records.push(record);
    else slices.set(message.id, [...message.records]);
    return;
  }
  const answer =
    message.type === 'load'
      ? Promise.resolve(message.fn)
          .then(load)
          .then(() => 'null')
      : run(message);
  answer.then(
    (result) => {
      flushLines();
      send({ type: 'done', id: message.id, result });
    },
    (error: unknown) => {
      flushLines();
      send({ type: 'failed', id: message.id, error: toWire(error) });
    },
  );
});
