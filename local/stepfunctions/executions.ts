// Executions: StartExecution (with Standard workflows' name idempotency), DescribeExecution, ListExecutions,
// StopExecution and GetExecutionHistory.
import { createHash, randomUUID } from 'node:crypto';
import { parseJson } from '../json-protocol/body.ts';
import { checkArn, checkName, executionArn } from './arns.ts';
import type { Core } from './core.ts';
import {
  executionAlreadyExists,
  executionDoesNotExist,
  invalidDefinition,
  invalidExecutionInput,
  validation,
} from './errors.ts';
import { toWire } from './history.ts';
import { createReader } from './input.ts';
import { lookupMachine } from './machines.ts';
import { paginate } from './pagination.ts';
import { closeExecution, startRun } from './runner.ts';
import { type ExecutionRecord, ExecutionStatus } from './types.ts';
import { describeExecutionView, executionListItem } from './views.ts';

const MAX_PAYLOAD = 262_144;
const STATUS_FILTERS = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

const lookupExecution = (core: Core, arn: string): ExecutionRecord => {
  checkArn(arn, 'execution');
  const record = core.executions.get(arn);
  if (!record) throw executionDoesNotExist(arn);
  return record;
};

const startExecution = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const machineArn = read.string('stateMachineArn', { required: true, min: 1, max: 256 });
  const requestedName = read.string('name');
  const rawInput = read.string('input', { max: MAX_PAYLOAD, sensitive: true });
  read.string('traceHeader', { max: 256 });
  read.done();
  const machine = lookupMachine(core, machineArn ?? '');
  const name = requestedName ?? randomUUID();
  checkName(name);
  const executionInput = rawInput ?? '{}';
  // The reason never quotes the input: it may carry anything.
  const parsed = parseJson(executionInput);
  if (!parsed.ok) throw invalidExecutionInput(`Input ${parsed.problem}`);
  const arn = executionArn(machine.record.arn, name);
  const existing = core.executions.get(arn);
  if (existing) {
    // Standard workflows: the same name and input while the execution runs answer the original execution;
    // anything else (different input, or a closed execution) is ExecutionAlreadyExists.
    if (existing.status === ExecutionStatus.running && existing.input === executionInput) {
      return { executionArn: arn, startDate: existing.startDate / 1000 };
    }
    throw executionAlreadyExists(arn);
  }
  const { prepared } = machine;
  if (!prepared) throw invalidDefinition('The state machine definition could not be loaded by the local cloud');
  const definition = createHash('sha256').update(machine.record.definition).digest('hex');
  core.definitions.set(definition, machine.record.definition);
  const record: ExecutionRecord = {
    arn,
    name,
    stateMachineArn: machine.record.arn,
    status: ExecutionStatus.running,
    input: executionInput,
    startDate: core.options.now().getTime(),
    history: [],
    tokens: [],
    definition,
  };
  core.executions.set(arn, record);
  startRun(core, { record: machine.record, prepared }, record);
  return { executionArn: arn, startDate: record.startDate / 1000 };
};

const describeExecution = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const arn = read.string('executionArn', { required: true, min: 1, max: 256 });
  read.string('includedData');
  read.done();
  return describeExecutionView(lookupExecution(core, arn ?? ''));
};

const listExecutions = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const machineArn = read.string('stateMachineArn', { required: true, min: 1, max: 256 });
  const statusFilter = read.string('statusFilter');
  const maxResults = read.integer('maxResults', { min: 0, max: 1000 });
  const nextToken = read.string('nextToken', { min: 1, max: 3096 });
  read.done();
  if (statusFilter !== undefined && !(STATUS_FILTERS as readonly string[]).includes(statusFilter)) {
    throw validation([
      `Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUS_FILTERS.join(', ')}]`,
    ]);
  }
  const machine = lookupMachine(core, machineArn ?? '');
  // Newest first, as AWS lists them; insertion order breaks ties between executions started the same millisecond.
  const all = [...core.executions.values()]
    .filter((e) => e.stateMachineArn === machine.record.arn)
    .filter((e) => statusFilter === undefined || e.status === statusFilter)
    .reverse()
    .sort((a, b) => b.startDate - a.startDate);
  const scope = `executions:${machine.record.arn}:${statusFilter ?? ''}`;
  const { page, nextToken: next } = paginate(scope, all, maxResults, nextToken);
  return { executions: page.map(executionListItem), ...(next ? { nextToken: next } : {}) };
};

const stopExecution = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const arn = read.string('executionArn', { required: true, min: 1, max: 256 });
  const error = read.string('error', { max: 256, sensitive: true });
  const cause = read.string('cause', { max: 32_768, sensitive: true });
  read.done();
  const record = lookupExecution(core, arn ?? '');
  closeExecution(core, record, ExecutionStatus.aborted, { error, cause });
  return { stopDate: (record.stopDate ?? core.options.now().getTime()) / 1000 };
};

const getExecutionHistory = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const arn = read.string('executionArn', { required: true, min: 1, max: 256 });
  const maxResults = read.integer('maxResults', { min: 0, max: 1000 });
  const reverseOrder = read.bool('reverseOrder') ?? false;
  const nextToken = read.string('nextToken', { min: 1, max: 3096 });
  const includeData = read.bool('includeExecutionData') ?? true;
  read.done();
  const record = lookupExecution(core, arn ?? '');
  const ordered = reverseOrder ? [...record.history].reverse() : record.history;
  const { page, nextToken: next } = paginate(`history:${record.arn}:${reverseOrder}`, ordered, maxResults, nextToken);
  return { events: page.map((e) => toWire(e, includeData)), ...(next ? { nextToken: next } : {}) };
};

export { describeExecution, getExecutionHistory, listExecutions, startExecution, stopExecution };
