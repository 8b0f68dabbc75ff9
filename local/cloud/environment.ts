// The handlers find the local cloud the way they would find AWS: through the SDK's standard environment, plus the
// functions' resolved environment from serverless.yml (handlers share one process locally, so one environment).
import type { LocalStack } from '../stack/build.ts';

interface EnvironmentOptions {
  readonly endpointUrl: string;
  readonly region: string;
  readonly stack: LocalStack;
  /** POWERTOOLS_LOG_LEVEL over the stage's. */
  readonly logLevel?: string | undefined;
}

const setHandlerEnvironment = ({ endpointUrl, region, stack, logLevel }: EnvironmentOptions): void => {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpointUrl,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: '',
    ...stack.environment,
    ...(logLevel ? { POWERTOOLS_LOG_LEVEL: logLevel } : {}),
  });
};

export { setHandlerEnvironment };
