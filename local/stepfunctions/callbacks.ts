// SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat: a callback completes exactly one waiting task, once.
import { parseJson } from '../json-protocol/body.ts';
import type { Core } from './core.ts';
import { invalidOutput } from './errors.ts';
import { createReader } from './input.ts';

const MAX_PAYLOAD = 262_144;

const sendTaskSuccess = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const token = read.string('taskToken', { required: true, min: 1, max: 2048, sensitive: true });
  const output = read.string('output', { required: true, max: MAX_PAYLOAD, sensitive: true });
  read.done();
  const waiter = core.tokens.waiterFor(token ?? '');
  // The reason never quotes the output: it may carry anything.
  const parsed = parseJson(output ?? '');
  if (!parsed.ok) throw invalidOutput(`Output ${parsed.problem}`);
  // Single use from this moment: a second callback with the same token gets TaskTimedOut.
  core.tokens.release(token ?? '');
  waiter.succeed(parsed.value);
  return {};
};

const sendTaskFailure = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const token = read.string('taskToken', { required: true, min: 1, max: 2048, sensitive: true });
  const error = read.string('error', { max: 256, sensitive: true });
  const cause = read.string('cause', { max: 32_768, sensitive: true });
  read.done();
  const waiter = core.tokens.waiterFor(token ?? '');
  core.tokens.release(token ?? '');
  waiter.fail(error ?? '', cause ?? '');
  return {};
};

const sendTaskHeartbeat = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const token = read.string('taskToken', { required: true, min: 1, max: 2048, sensitive: true });
  read.done();
  core.tokens.waiterFor(token ?? '').heartbeat();
  return {};
};

export { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess };
