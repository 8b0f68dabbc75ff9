// Where a function's own output goes while the handlers share one process. Each invocation runs in an
// AsyncLocalStorage context naming its function; writes to process.stdout/stderr made inside that context (the
// Powertools logger's JSON lines, a stray console.log, a library's warning) go to the function's log instead of the
// terminal. Writes outside any invocation (the local cloud's own lines, the CLI's) pass through untouched.
//
// Capturing the streams rather than configuring each function's logger keeps the handlers unmodified (they build
// their loggers at import, as they do in Lambda) and catches everything a function prints, not only what goes through
// its logger. The context follows the invocation's own async work; an HTTP request a handler makes to the local cloud
// is served in the server's context, so work the cloud does on its behalf (another function it invokes) is logged
// where it belongs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** Receives a function's output, one complete line at a time (without its newline). */
type LineSink = (functionName: string, line: string) => void;

interface Capture {
  readonly functionName: string;
  readonly sink: LineSink;
  /** What was written after the last newline. */
  partial: string;
}

const storage = new AsyncLocalStorage<Capture>();
let installed = false;

const textOf = (chunk: unknown, encoding: unknown): string =>
  typeof chunk === 'string'
    ? chunk
    : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');

const take = (capture: Capture, text: string) => {
  const lines = (capture.partial + text).split('\n');
  capture.partial = lines.pop() ?? '';
  for (const line of lines) capture.sink(capture.functionName, line);
};

/** Wraps one stream's write: inside an invocation the text goes to its sink, else to the stream as before. */
const patch = (stream: NodeJS.WriteStream) => {
  const original = stream.write;
  stream.write = function write(this: NodeJS.WriteStream, chunk: unknown, encoding?: unknown, callback?: unknown) {
    const capture = storage.getStore();
    if (!capture) return (original as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
    take(capture, textOf(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as (error?: Error | null) => void)(null));
    return true;
  } as NodeJS.WriteStream['write'];
};

const install = () => {
  if (installed) return;
  installed = true;
  patch(process.stdout);
  patch(process.stderr);
};

/** Runs `work` (an invocation) with its output sent to `sink`, line by line; a last unterminated line is flushed. */
const withOutputTo = async <T>(sink: LineSink, functionName: string, work: () => Promise<T>): Promise<T> => {
  install();
  const capture: Capture = { functionName, sink, partial: '' };
  try {
    return await storage.run(capture, work);
  } finally {
    if (capture.partial !== '') sink(functionName, capture.partial);
    capture.partial = '';
  }
};

interface FunctionLogOptions {
  /** Appends each function's lines to `<dir>/<function name>.jsonl`. */
  readonly dir?: string;
  /** Prints the lines too, as they come (`--verbose`). */
  readonly print?: boolean;
  /** Sees every line (the CLI prints the warnings among them). */
  readonly onLine?: LineSink;
}

interface FunctionLogs {
  readonly sink: LineSink;
  /** Flushes and closes the files. */
  close(): Promise<void>;
}

// The file's name is the function's deployed name; anything else in it (a name cannot hold `/`, but be sure) is dropped.
const fileNameOf = (functionName: string) => `${functionName.replace(/[^\w.-]/g, '_')}.jsonl`;

/**
 * One `.jsonl` file per function: a line that is not a JSON object (a console.log of plain text) is wrapped as one,
 * so the file stays JSON Lines.
 */
const createFunctionLogs = (options: FunctionLogOptions): FunctionLogs => {
  const files = new Map<string, WriteStream>();
  const fileFor = (functionName: string): WriteStream | undefined => {
    if (!options.dir) return undefined;
    let file = files.get(functionName);
    if (!file) {
      mkdirSync(options.dir, { recursive: true });
      file = createWriteStream(join(options.dir, fileNameOf(functionName)), { flags: 'a' });
      files.set(functionName, file);
    }
    return file;
  };
  const asJsonLine = (line: string): string => {
    const trimmed = line.trim();
    if (trimmed.startsWith('{') && trimmed.endsWith('}')) {
      try {
        JSON.parse(trimmed);
        return trimmed;
      } catch {
        // Not JSON after all: wrapped below.
      }
    }
    return JSON.stringify({ timestamp: new Date().toISOString(), message: line });
  };
  const sink: LineSink = (functionName, line) => {
    if (line.trim() === '') return;
    fileFor(functionName)?.write(`${asJsonLine(line)}\n`);
    // Outside the capture context, so what they print reaches the terminal instead of coming back here.
    storage.exit(() => {
      if (options.print) process.stdout.write(`${line}\n`);
      options.onLine?.(functionName, line);
    });
  };
  return {
    sink,
    close: async () => {
      await Promise.all([...files.values()].map((file) => new Promise<void>((resolve) => file.end(resolve))));
      files.clear();
    },
  };
};

export type { FunctionLogOptions, FunctionLogs, LineSink };
export { createFunctionLogs, withOutputTo };
