// Builders for EventBridge events as the rules deliver them to the dispatcher.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const SAMPLES = new URL('../data/aws-event-samples/', import.meta.url);

interface BusEvent {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** A real-shaped event from test/data/aws-event-samples (e.g. `enveloped/RotationFailed.eventbridge.json`). */
const sampleEvent = (file: string): BusEvent => JSON.parse(readFileSync(new URL(file, SAMPLES), 'utf8')) as BusEvent;

const busEvent = (overrides: Partial<BusEvent> = {}): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Rotation Requested',
  source: 'smcp',
  account: '000000000000',
  time: '2026-11-23T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { secretId: 'prod/db/main', reason: 'quarterly', requestedBy: 'alice' },
  ...overrides,
});

/** What a dispatch target's input transformer delivers: `{"rule": "<name>", "event": <aws.events.event.json>}`. */
const delivered = (rule: string, event: BusEvent) => ({ rule, event });

export type { BusEvent };
export { busEvent, delivered, sampleEvent };
