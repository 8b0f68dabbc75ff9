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
    input: record.input,
    output: record.output ?? null,
    inputDetails: { included: true },
    outputDetails: record.output === undefined ? null : { included: true },
    error: record.error ?? null,
    cause: record.cause ?? null,
  },
});

export { describeExecutionView, describeStateMachineView, executionListItem, stateMachineListItem, statusChangeEvent };
