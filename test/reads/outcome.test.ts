// The read-anomaly-response workflow's outcome, `Read Anomaly Handled`: what it reports is exactly its schema's
// fields (functions/reads/schemas.ts), whether the spike was handled or its secret was gone.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadAnomalyHandledDetail } from '../../functions/reads/schemas.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { loadRecordedEvents } from '../../local/replay/load.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { publishSpike, responsesOf, SUSPECT } from './support.ts';

let t: TestCloud;

beforeAll(async () => {
  t = await startTestCloud({ start: '2026-01-07T10:09:00Z' });
});
afterAll(async () => t?.cloud.stop());

describe('read anomaly outcome', () => {
  it('reports a handled spike with exactly the fields of Read Anomaly Handled', async () => {
    const arn = await publishSpike(t, 'outcome/handled', { 'smcp:anomaly-response': 'none' });

    const [run] = responsesOf(t, arn);

    expect(run?.status).toBe('SUCCEEDED');
    expect(ReadAnomalyHandledDetail.parse(run?.output)).toEqual(run?.output);
    expect(run?.output).toMatchObject({ secretId: arn, remediation: 'none', remediated: false, suspect: SUSPECT });
  });

  it('reports a spike on a secret that no longer exists as gone, in the same event', async () => {
    // The recorded spike names a secret this cloud never created.
    const [recorded] = loadRecordedEvents(['events/recorded/reads-quarantine']);
    if (!recorded) throw new Error('the recorded spike is missing');
    const arn = String((recorded.event.detail as { secretId: string }).secretId);

    t.cloud.bus.publish({ ...recorded.event, id: randomUUID() } as BusEvent);
    await t.cloud.whenIdle();

    const [run] = responsesOf(t, arn);
    expect(run?.status).toBe('SUCCEEDED');
    expect(run?.states).toContain('Report Secret Gone');
    expect(ReadAnomalyHandledDetail.parse(run?.output)).toEqual(run?.output);
    expect(run?.output).toEqual({
      secretId: arn,
      remediation: 'none',
      remediated: false,
      reason: 'the secret no longer exists',
      executionName: expect.any(String),
    });
  });
});
