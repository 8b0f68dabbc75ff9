// What the API and EventBridge show of the records: dates in epoch seconds on the wire, milliseconds in events.
import type { Core } from './core.ts';
import type { ExecutionRecord, StateMachineRecord, StatusChangeEvent } from './types.ts';

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

const describeExecutionView = (record: ExecutionRecord) => ({
  executionArn: record.arn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: seconds(record.startDate),
  stopDate: seconds(record.stopDate),
  input: record.input,
  inputDetails: { included: true },
  ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
  ...(record.error !== undefined ? { error: record.error } : {}),
  ...(record.cause !== undefined ? { cause: record.cause } : {}),
  redriveCount: 0,
  redriveStatus: 'NOT_REDRIVABLE',
});

const executionListItem = (record: ExecutionRecord) => ({
  executionArn: record.arn,
  stateMachineArn: record.stateMachineArn,
  name: record.name,
  status: record.status,
  startDate: seconds(record.startDate),
  stopDate: seconds(record.stopDate),
});

const describeStateMachineView = (record: StateMachineRecord) => ({
  stateMachineArn: record.arn,
  name: record.name,
  status: 'ACTIVE',
  definition: record.definition,
  roleArn: record.roleArn,
  type: record.type,
  creationDate: seconds(record.creationDate),
  loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: { enabled: false },
});

const stateMachineListItem = (record: StateMachineRecord) => ({
  stateMachineArn: record.arn,
  name: record.name,
  type: record.type,
  creationDate: seconds(record.creationDate),
});

// EventBridge caps an event at 256 KB, so Step Functions leaves the output out when its escaped JSON passes 248 KB, and
// the input when escaped input and output together do; inputDetails/outputDetails say what was left out.
const EVENT_PAYLOAD_BYTES = 248 * 1024;
const escapedBytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(JSON.stringify(text)));

const eventPayload = (record: ExecutionRecord) => {
  const outputIncluded = escapedBytes(record.output) <= EVENT_PAYLOAD_BYTES;
  const inputIncluded =
    escapedBytes(record.input) + (outputIncluded ? escapedBytes(record.output) : 0) <= EVENT_PAYLOAD_BYTES;
  return {
    input: inputIncluded ? record.input : null,
    inputDetails: { included: inputIncluded },
    output: record.output !== undefined && outputIncluded ? record.output : null,
    outputDetails: record.output === undefined ? null : { included: outputIncluded },
  };
};

/** "Step Functions Execution Status Change", as AWS puts it on the default bus. */
const statusChangeEvent = (core: Core, record: ExecutionRecord): StatusChangeEvent => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  account: core.account,
  time: core.options
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z'),
  region: core.region,
  resources: [record.arn],
  detail: {
    executionArn: record.arn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate ?? null,
    ...eventPayload(record),
    error: record.error ?? null,
    cause: record.cause ?? null,
  },
});

export { describeExecutionView, describeStateMachineView, executionListItem, stateMachineListItem, statusChangeEvent };
