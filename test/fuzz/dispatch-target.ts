// The dispatcher under fuzzing: its business function (functions/dispatch/steps/dispatch.ts) behind the same parse the
// handler runs, over fakes of its two adapters that serialize as the real ones do and refuse what Step Functions and
// SQS would refuse (256 KiB). Inputs are arbitrary JSON, and real events (events/recorded/, test/data/
// aws-event-samples/) wrapped by their rule and then mutated. Whatever the input: the dispatcher never throws, and
// either rejects with a reason (one dead letter, nothing started) or starts exactly the rule's workflow, named after
// the event id (one start, no dead letter); no log line quotes the event's payload.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { parse } from '@aws-lambda-powertools/parser';
import fc from 'fast-check';
import { executionNameFor } from '../../functions/dispatch/domain/execution-name.ts';
import { routes } from '../../functions/dispatch/domain/routes.ts';
import { ruleFiles } from '../../functions/dispatch/domain/rules.ts';
import { DispatchEnvelope } from '../../functions/dispatch/schemas.ts';
import { createDispatch } from '../../functions/dispatch/steps/dispatch.ts';
import { compilePattern, matches } from '../../local/eventbridge/pattern.ts';
import { mutated } from './mutations.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
/** Planted in every seed's detail: no log line may carry it. */
const CANARY = 'CANARY-fuzz-dispatch-6d2e';
const PREFIX = 'arn:aws:states:us-east-1:123456789012:stateMachine:smcp-fuzz-';
const MAX_PAYLOAD = 262_144;

type Json = Record<string, unknown>;

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** The recorded EventBridge events: every events/recorded/<scenario>/*.json but setup and expect, and the samples. */
const recordedEvents = (): Json[] => {
  const dir = join(ROOT, 'events/recorded');
  const files = readdirSync(dir).flatMap((scenario) =>
    statSync(join(dir, scenario)).isDirectory()
      ? readdirSync(join(dir, scenario))
          .filter((f) => f.endsWith('.json') && f !== 'setup.json' && f !== 'expect.json')
          .map((f) => join(dir, scenario, f))
      : [],
  );
  const samples = readdirSync(join(ROOT, 'test/data/aws-event-samples'))
    .filter((f) => f.endsWith('.eventbridge.json'))
    .map((f) => join(ROOT, 'test/data/aws-event-samples', f));
  return [...files, ...samples].flatMap((f) => [readJson(f)].flat() as Json[]).filter((e) => 'detail-type' in e);
};

// The stack the fuzzed dispatcher runs in: the rule files' placeholders name its state machines.
const localPattern = (pattern: unknown) =>
  JSON.parse(
    JSON.stringify(pattern)
      .replaceAll('{{stateMachineArnPrefix}}', PREFIX)
      .replaceAll('{{executionArnPrefix}}', PREFIX.replace(':stateMachine:', ':execution:')),
  ) as object;

const schedule = (rule: string): Json => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-01-05T03:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:123456789012:rule/smcp-fuzz-${rule}`],
  detail: {},
});

const statusChange = (): Json => ({
  version: '0',
  id: '5c1e7b0a-2f64-4d6e-9a53-3b1f0c2d4e5f',
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: '123456789012',
  time: '2026-01-05T09:00:00Z',
  region: 'us-east-1',
  resources: [`${PREFIX.replace(':stateMachine:', ':execution:')}rotation:e-1`],
  detail: {
    executionArn: `${PREFIX.replace(':stateMachine:', ':execution:')}rotation:e-1`,
    stateMachineArn: `${PREFIX}rotation`,
    name: 'e-1',
    status: 'ABORTED',
    startDate: 1767603600000,
    stopDate: 1767607200000,
    input: '{"secretId":"prod/db"}',
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
    error: null,
    cause: null,
  },
});

/** Each real event wrapped as every dispatch rule whose pattern matches it delivers it, with the canary planted. */
const seedEnvelopes = (): Json[] => {
  const events = [...recordedEvents(), statusChange()];
  const out: Json[] = [];
  for (const [name, rule] of Object.entries(ruleFiles)) {
    if (rule.target !== 'dispatch') continue;
    const candidates = rule.eventPattern
      ? events.filter((e) => matches(compilePattern(localPattern(rule.eventPattern)), e))
      : [schedule(name)];
    for (const event of candidates) {
      out.push({ rule: name, event: { ...event, detail: { ...(event.detail as Json), fuzzNote: CANARY } } });
    }
  }
  return out;
};

const SEEDS = seedEnvelopes();
const RULE_NAMES = Object.keys(ruleFiles);

interface Start {
  readonly workflow: string;
  readonly name: string;
  readonly input: { trigger?: { rule?: unknown } };
}

/** A dispatcher over fakes; every side effect it has is recorded. */
const fakeDispatch = () => {
  const starts: Start[] = [];
  const deadLetters: unknown[] = [];
  const logs: string[] = [];
  const log = (...args: unknown[]) => {
    logs.push(JSON.stringify(args));
  };
  const logger = { info: log, warn: log, error: log, debug: log } as unknown as Logger;
  const dispatch = createDispatch({
    logger,
    now: () => new Date('2026-01-05T09:00:00Z'),
    workflows: {
      // As StartExecution: the input goes as JSON text, at most 256 KiB.
      async start(workflow, name, input) {
        const text = JSON.stringify(input);
        if (Buffer.byteLength(text) > MAX_PAYLOAD) {
          throw Object.assign(new Error('input too large'), { name: 'InvalidExecutionInput' });
        }
        starts.push({ workflow, name, input: JSON.parse(text) });
        return {
          status: 'started',
          executionArn: `${PREFIX.replace(':stateMachine:', ':execution:')}${workflow}:${name}`,
        };
      },
    },
    deadLetters: {
      // As SendMessage on the dead-letter queue: a JSON body of at most 256 KiB.
      async send(letter) {
        const body = JSON.stringify(letter);
        if (Buffer.byteLength(body) > MAX_PAYLOAD) {
          throw Object.assign(new Error('message too long'), { name: 'InvalidParameterValue' });
        }
        deadLetters.push(JSON.parse(body));
      },
    },
  });
  return { dispatch, starts, deadLetters, logs };
};

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message.slice(0, 160)}` : String(error).slice(0, 160);

/** Undefined when the dispatcher behaved; otherwise what it did wrong. */
const checkDispatch = async (input: unknown): Promise<string | undefined> => {
  const { dispatch, starts, deadLetters, logs } = fakeDispatch();
  let result: Awaited<ReturnType<typeof dispatch>>;
  try {
    result = await dispatch(parse(input, undefined, DispatchEnvelope, true));
  } catch (error) {
    return `threw ${describeError(error)}`;
  }
  if (logs.some((line) => line.includes(CANARY))) return 'a log line quotes the payload';
  if (result.status === 'rejected') {
    if (typeof result.reason !== 'string' || result.reason === '') return 'rejected without a reason';
    if (starts.length !== 0 || deadLetters.length !== 1) {
      return `rejected with ${starts.length} starts and ${deadLetters.length} dead letters`;
    }
    return undefined;
  }
  if (starts.length !== 1 || deadLetters.length !== 0) {
    return `${result.status} with ${starts.length} starts and ${deadLetters.length} dead letters`;
  }
  const { rule, event } = input as { rule: string; event: { id: string; source: string; 'detail-type': string } };
  const route = routes.get(rule);
  const [start] = starts;
  if (!route || !start) return `started for rule "${String(rule).slice(0, 40)}", which has no route`;
  if (start.workflow !== route.workflow)
    return `started ${start.workflow} for rule ${rule}, whose workflow is ${route.workflow}`;
  if (event.source !== route.source || event['detail-type'] !== route.detailType) return 'started for the wrong event';
  if (start.name !== executionNameFor(event.id)) return 'the execution is not named after the event id';
  if (start.input.trigger?.rule !== rule) return 'the execution input names another rule';
  return undefined;
};

/** Arbitrary JSON, envelopes of arbitrary JSON under real rule names, and real events mutated. */
const dispatchInputs: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue() },
  {
    weight: 1,
    arbitrary: fc.record({
      rule: fc.oneof(fc.constantFrom(...RULE_NAMES), fc.string({ maxLength: 12 })),
      event: fc.jsonValue({ maxDepth: 4 }),
    }),
  },
  { weight: 4, arbitrary: mutated(SEEDS) },
);

export { CANARY, checkDispatch, dispatchInputs, SEEDS };
