// State machines: registration from the local cloud (parsed ASL from statemachines/) and the API's
// CreateStateMachine / DescribeStateMachine / ListStateMachines.
import { parseJson } from '../json-protocol/body.ts';
import { checkArn, checkName, stateMachineArn } from './arns.ts';
import type { Core, MachineEntry } from './core.ts';
import { prepareMachine } from './definition.ts';
import { invalidDefinition, stateMachineAlreadyExists, stateMachineDoesNotExist, validation } from './errors.ts';
import { createReader } from './input.ts';
import { paginate } from './pagination.ts';
import { describeStateMachineView, stateMachineListItem } from './views.ts';

interface Registration {
  readonly name: string;
  /** The parsed ASL object (JSONPath only: see the known limits of aws-local-stepfunctions). */
  readonly definition: unknown;
  readonly roleArn?: string;
}

const defaultRole = (core: Core, name: string) => `arn:aws:iam::${core.account}:role/${name}-role`;

/** Registers (or replaces) a state machine; throws when the name or the definition is invalid. */
const registerStateMachine = (core: Core, registration: Registration): string => {
  checkName(registration.name);
  const prepared = prepareMachine(registration.definition);
  const arn = stateMachineArn(core.region, core.account, registration.name);
  const definition = JSON.stringify(registration.definition);
  const roleArn = registration.roleArn ?? defaultRole(core, registration.name);
  const existing = core.machines.get(arn);
  if (existing) {
    // Re-registering (the local cloud reloading statemachines/) updates in place: running executions keep the
    // definition they started with, as after UpdateStateMachine.
    existing.record.definition = definition;
    existing.record.roleArn = roleArn;
    existing.prepared = prepared;
    return arn;
  }
  const record = {
    arn,
    name: registration.name,
    definition,
    roleArn,
    type: 'STANDARD' as const,
    creationDate: core.options.now().getTime(),
  };
  core.machines.set(arn, { record, prepared });
  return arn;
};

const lookupMachine = (core: Core, arn: string): MachineEntry => {
  checkArn(arn, 'stateMachine');
  const machine = core.machines.get(arn);
  if (!machine) throw stateMachineDoesNotExist(arn);
  return machine;
};

const createStateMachine = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const name = read.string('name', { required: true });
  const definitionText = read.string('definition', { required: true, min: 1, max: 1_048_576, sensitive: true });
  const roleArn = read.string('roleArn', { required: true, min: 1, max: 256 });
  const type = read.string('type');
  read.done();
  if (type !== undefined && type !== 'STANDARD' && type !== 'EXPRESS') {
    throw validation([
      `Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
    ]);
  }
  if (name === undefined || definitionText === undefined || roleArn === undefined) return {};
  checkName(name);
  const parsed = parseJson(definitionText);
  if (!parsed.ok) throw invalidDefinition(`INVALID_JSON_DESCRIPTION: The definition ${parsed.problem}`);
  const definition = parsed.value;
  const arn = stateMachineArn(core.region, core.account, name);
  const existing = core.machines.get(arn);
  if (existing) {
    // Same name, definition and role: CreateStateMachine is idempotent and answers the existing machine.
    if (existing.record.definition === JSON.stringify(definition) && existing.record.roleArn === roleArn) {
      return { stateMachineArn: arn, creationDate: existing.record.creationDate / 1000 };
    }
    throw stateMachineAlreadyExists(arn);
  }
  try {
    registerStateMachine(core, { name, definition, roleArn });
  } catch (error) {
    throw invalidDefinition(error instanceof Error ? error.message : String(error));
  }
  return { stateMachineArn: arn, creationDate: lookupMachine(core, arn).record.creationDate / 1000 };
};

const describeStateMachine = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const arn = read.string('stateMachineArn', { required: true, min: 1, max: 256 });
  read.done();
  return describeStateMachineView(lookupMachine(core, arn ?? '').record);
};

const listStateMachines = (core: Core, input: Record<string, unknown>) => {
  const read = createReader(input);
  const maxResults = read.integer('maxResults', { min: 0, max: 1000 });
  const nextToken = read.string('nextToken', { min: 1, max: 1024 });
  read.done();
  const all = [...core.machines.values()].map((m) => m.record).sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken: next } = paginate('stateMachines', all, maxResults, nextToken);
  return { stateMachines: page.map(stateMachineListItem), ...(next ? { nextToken: next } : {}) };
};

export type { Registration };
export { createStateMachine, describeStateMachine, listStateMachines, lookupMachine, registerStateMachine };
