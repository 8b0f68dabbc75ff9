// Fault injection for reliability tests: `SMCP_FAULTS="secretsmanager:throttle=0.2,5xx=0.1,latency=50;states:5xx=0.05"`.
// Rates are probabilities per call; latency is milliseconds added to every call of that service. Deterministic with
// SMCP_FAULTS_SEED, so a failing reliability test can be rerun exactly. `secretsmanager:quota=50` is not random: it
// turns on Secrets Manager's shared per-Region write quota (local/secretsmanager/quota.ts), calls per second.
import { AwsError, type CallContext } from './protocol.ts';

interface ServiceFaults {
  readonly throttle: number;
  readonly serverError: number;
  readonly latencyMs: number;
  /** Calls per second per Region of the shared write quota; 0 = none. */
  readonly quota: number;
}

const KEYS = { throttle: 'throttle', '5xx': 'serverError', latency: 'latencyMs', quota: 'quota' } as const;
// Services whose emulator enforces a quota of its own.
const QUOTA_SERVICES: ReadonlySet<string> = new Set(['secretsmanager']);

const parseFaults = (spec: string | undefined): Map<string, ServiceFaults> => {
  const out = new Map<string, ServiceFaults>();
  if (!spec?.trim()) return out;
  for (const part of spec.split(';').filter((p) => p.trim())) {
    const [service, settings = ''] = part.split(':');
    if (!service?.trim() || !settings)
      throw new Error(`SMCP_FAULTS: "${part}" should look like service:throttle=0.1,5xx=0.05,latency=20`);
    const faults = { throttle: 0, serverError: 0, latencyMs: 0, quota: 0 };
    for (const setting of settings.split(',')) {
      const [key = '', raw = ''] = setting.split('=').map((s) => s.trim());
      const value = Number(raw);
      if (!Object.hasOwn(KEYS, key))
        throw new Error(`SMCP_FAULTS: unknown fault "${key}" (use throttle, 5xx, latency, quota)`);
      const field = KEYS[key as keyof typeof KEYS];
      if (field === 'quota') {
        if (!QUOTA_SERVICES.has(service.trim()))
          throw new Error(`SMCP_FAULTS: quota applies to ${[...QUOTA_SERVICES].join(', ')} only`);
        if (!Number.isInteger(value) || value <= 0)
          throw new Error(`SMCP_FAULTS: quota=${raw} must be a whole number of calls per second`);
      }
      const isRate = field === 'throttle' || field === 'serverError';
      if (!Number.isFinite(value) || value < 0 || (isRate && value > 1)) {
        throw new Error(`SMCP_FAULTS: ${key}=${raw} must be ${isRate ? 'a rate between 0 and 1' : 'milliseconds ≥ 0'}`);
      }
      faults[field] = value;
    }
    out.set(service.trim(), faults);
  }
  return out;
};

// mulberry32: a tiny seeded generator, enough for reproducible fault draws.
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const THROTTLE_TYPES: Record<string, string> = { dynamodb: 'ProvisionedThroughputExceededException' };

const createFaultInjector = (spec: string | undefined, seed = Number(process.env.SMCP_FAULTS_SEED ?? 1)) => {
  const faults = parseFaults(spec);
  const random = seeded(seed);
  const injected = { throttle: 0, serverError: 0 };
  const beforeOperation = async (ctx: CallContext) => {
    const f = faults.get(ctx.service);
    if (!f) return;
    if (f.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, f.latencyMs));
    if (random() < f.throttle) {
      injected.throttle++;
      throw new AwsError(
        THROTTLE_TYPES[ctx.service] ?? 'ThrottlingException',
        'Rate exceeded (injected by SMCP_FAULTS)',
      );
    }
    if (random() < f.serverError) {
      injected.serverError++;
      throw new AwsError('InternalServiceError', 'Service unavailable (injected by SMCP_FAULTS)', 500);
    }
  };
  const randomFaults = [...faults.values()].some((f) => f.throttle > 0 || f.serverError > 0 || f.latencyMs > 0);
  return {
    beforeOperation,
    enabled: randomFaults,
    injected: () => ({ ...injected }),
    /** The shared write quota the spec sets for a service (calls per second per Region), if any. */
    quota: (service: string): number | undefined => faults.get(service)?.quota || undefined,
  };
};

export { createFaultInjector, parseFaults };
