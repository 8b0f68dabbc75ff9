// The handlers find the local cloud the way they would find AWS: through the SDK's standard environment, plus the
// functions' resolved environment from serverless.yml (handlers share one process or thread locally, so one
// environment). Handlers in process read it from this process's env; the handlers' thread gets it as its own.
import type { LocalStack } from '../stack/build.ts';

interface EnvironmentOptions {
  readonly endpointUrl: string;
  readonly region: string;
  readonly stack: LocalStack;
  /** POWERTOOLS_LOG_LEVEL over the stage's. */
  readonly logLevel?: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The approval links' base URL, on this endpoint: the stage param's default names port 4566, but the local cloud
 * serves the `/approvals/link` route wherever it listens (`--port`). A URL elsewhere than loopback (a tunnel set in
 * `params.local`) is kept as configured.
 */
const onThisEndpoint = (configured: string | undefined, endpointUrl: string): Record<string, string> => {
  if (!configured) return {};
  try {
    const url = new URL(configured);
    if (!LOOPBACK.has(url.hostname)) return {};
    const own = new URL(endpointUrl);
    url.protocol = own.protocol;
    url.host = own.host;
    return { APPROVAL_LINK_BASE_URL: url.toString() };
  } catch {
    return {};
  }
};

const handlerEnvironment = ({ endpointUrl, region, stack, logLevel }: EnvironmentOptions): Record<string, string> => ({
  AWS_ENDPOINT_URL: endpointUrl,
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SESSION_TOKEN: '',
  ...stack.environment,
  ...onThisEndpoint(stack.environment.APPROVAL_LINK_BASE_URL, endpointUrl),
  ...(logLevel ? { POWERTOOLS_LOG_LEVEL: logLevel } : {}),
});

export { handlerEnvironment };
