import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startLocalCloud } from '../../local/cloud.ts';
import { createFaultInjector, parseFaults } from '../../local/faults.ts';
import type { CallContext } from '../../local/protocol.ts';

const ctx = (service: string) => ({ service, operation: 'X', region: 'us-east-1' }) as CallContext;

describe('fault injection', () => {
  it('parses rates and latency per service', () => {
    expect(parseFaults('secretsmanager:throttle=0.2,5xx=0.1;states:latency=5').get('secretsmanager')).toEqual({
      throttle: 0.2,
      serverError: 0.1,
      latencyMs: 0,
      quota: 0,
    });
  });

  it('reads the shared Secrets Manager write quota, for that service only', () => {
    const injector = createFaultInjector('secretsmanager:quota=50');

    expect(injector.quota('secretsmanager')).toBe(50);
    expect(injector.quota('states')).toBeUndefined();
    // A quota is no random fault: nothing is drawn per call.
    expect(injector.enabled).toBe(false);
    expect(() => parseFaults('sqs:quota=5')).toThrow('quota applies to secretsmanager only');
    expect(() => parseFaults('secretsmanager:quota=0.5')).toThrow('must be a whole number of calls per second');
  });

  it('rejects a malformed spec with the reason', () => {
    expect(() => parseFaults('secretsmanager')).toThrow('should look like service:throttle=0.1');
    expect(() => parseFaults('sqs:throttle=2')).toThrow('throttle=2 must be a rate between 0 and 1');
    expect(() => parseFaults('sqs:explode=1')).toThrow('unknown fault "explode"');
  });

  it('fails the start of a local cloud on a malformed spec before anything is made', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'smcp-faults-'));
    onTestFinished(() => rmSync(parent, { recursive: true, force: true }));
    const dataDir = join(parent, 'data');

    await expect(startLocalCloud({ faults: 'secretsmanager', dataDir, log: () => {} })).rejects.toThrow(
      'SMCP_FAULTS: "secretsmanager" should look like service:throttle=0.1',
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('throttles and fails at about the asked rates, the same way for the same seed', async () => {
    const draw = async (seed: number) => {
      const injector = createFaultInjector('secretsmanager:throttle=0.3,5xx=0.1', seed);
      const outcomes: string[] = [];
      for (let i = 0; i < 1000; i++) {
        outcomes.push(
          await injector.beforeOperation(ctx('secretsmanager')).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      }
      return outcomes;
    };

    const first = await draw(7);

    expect(await draw(7)).toEqual(first);
    const throttled = first.filter((o) => o === 'ThrottlingException').length;
    const failed = first.filter((o) => o === 'InternalServiceError').length;
    expect(throttled).toBeGreaterThan(250);
    expect(throttled).toBeLessThan(350);
    expect(failed).toBeGreaterThan(40);
    expect(failed).toBeLessThan(100);
  });

  it('leaves services it was not asked about alone', async () => {
    const injector = createFaultInjector('secretsmanager:throttle=1');

    await expect(injector.beforeOperation(ctx('states'))).resolves.toBeUndefined();
    await expect(injector.beforeOperation(ctx('secretsmanager'))).rejects.toThrow('injected by SMCP_FAULTS');
  });
});
