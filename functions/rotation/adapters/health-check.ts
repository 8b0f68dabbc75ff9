// The verify steps' health check (domain/health-url.ts): reads the secret's `smcp:health-url` tag and sends one GET.
// No redirects followed, no credentials sent, the body is never read, a short timeout. Verdicts name the status or
// the failure and the URL's origin and path only.
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { HEALTH_URL_TAG, parseHealthUrl } from '../domain/health-url.ts';
import type { TestResult } from '../strategies/types.ts';

/** `undefined` when the secret has no health URL; otherwise whether its application answered 2xx. */
type HealthCheck = (secretId: string) => Promise<TestResult | undefined>;

interface HealthCheckOptions {
  readonly client: SecretsManagerClient;
  readonly timeoutMs?: number;
}

const createHealthCheck =
  ({ client, timeoutMs = 5_000 }: HealthCheckOptions): HealthCheck =>
  async (secretId) => {
    const { Tags } = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    const raw = Tags?.find((tag) => tag.Key === HEALTH_URL_TAG)?.Value;
    if (raw === undefined || raw.trim() === '') return undefined;
    const target = parseHealthUrl(raw);
    if (!target.ok) return { ok: false, reason: target.reason };
    let response: Response;
    try {
      response = await fetch(target.url, {
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
        headers: { 'user-agent': 'smcp-verify' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return {
        ok: false,
        reason: `health check ${target.shown} ${timedOut ? `did not answer within ${timeoutMs} ms` : 'could not be reached'}`,
      };
    }
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300
      ? { ok: true }
      : { ok: false, reason: `health check ${target.shown} answered HTTP ${response.status}` };
  };

export type { HealthCheck };
export { createHealthCheck };
