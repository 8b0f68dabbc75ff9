// Reads recorded EventBridge events from files and folders, with errors that name the file and what is wrong.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BusEvent } from '../eventbridge/bus.ts';

interface RecordedEvent {
  readonly file: string;
  readonly event: BusEvent;
}

interface ScenarioExpectation {
  /** Terminal statuses the run expects per workflow, e.g. `{ "rotation": ["SUCCEEDED"] }`. */
  readonly executions?: Record<string, string[]>;
}

const EXPECT_FILE = 'expect.json';
// Read by setup.ts; not an event.
const SETUP_FILE = 'setup.json';
const REQUIRED = ['id', 'source', 'detail-type', 'detail'] as const;

const listJson = (path: string): string[] => {
  if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) return listJson(full);
      return entry.endsWith('.json') && entry !== EXPECT_FILE && entry !== SETUP_FILE ? [full] : [];
    });
};

const asEvent = (value: unknown, where: string): BusEvent => {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where}: not an event object`);
  const event = value as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (event[key] === undefined)
      throw new Error(`${where}: missing "${key}" (a recorded event is an EventBridge envelope)`);
  }
  return {
    version: '0',
    account: '000000000000',
    region: 'us-east-1',
    time: new Date().toISOString(),
    resources: [],
    ...event,
  } as unknown as BusEvent;
};

/** Each file holds one event or an array of events; folders are read recursively in name order. */
const loadRecordedEvents = (paths: readonly string[], cwd = process.cwd()): RecordedEvent[] =>
  paths.flatMap(listJson).flatMap((file) => {
    const name = relative(cwd, file) || file;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${name}: not valid JSON (${(error as Error).message})`);
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.map((value, i) => ({ file: name, event: asEvent(value, list.length > 1 ? `${name}[${i}]` : name) }));
  });

/** Expectations from `expect.json` files in the given folders (merged). */
const loadExpectations = (paths: readonly string[]): ScenarioExpectation => {
  const executions: Record<string, string[]> = {};
  for (const path of paths) {
    const file = join(path, EXPECT_FILE);
    if (!existsSync(path) || !statSync(path).isDirectory() || !existsSync(file)) continue;
    const expectation = JSON.parse(readFileSync(file, 'utf8')) as ScenarioExpectation;
    for (const [workflow, statuses] of Object.entries(expectation.executions ?? {})) {
      executions[workflow] = [...(executions[workflow] ?? []), ...statuses];
    }
  }
  return { executions };
};

export type { RecordedEvent, ScenarioExpectation };
export { loadExpectations, loadRecordedEvents };
