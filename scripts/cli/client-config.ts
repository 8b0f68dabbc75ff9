// Where the CLI's AWS calls go: a local cloud by default (`--endpoint`, SMCP_ENDPOINT, else http://127.0.0.1:4566).
const DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';

const localEndpoint = (flag: string | undefined): string => flag ?? process.env.SMCP_ENDPOINT ?? DEFAULT_ENDPOINT;

/**
 * SDK client settings for the local cloud: the region is the local default, and any credentials do. Credentials in
 * the environment are used when set: locally an `AKIA…` key signs as the IAM user of that name, so who asks for a
 * rotation and who approves it can differ (docs/approvals.md).
 */
const localClientConfig = (endpoint: string) => ({
  endpoint,
  region: process.env.AWS_REGION ?? 'us-east-1',
  credentials:
    process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY }
      : { accessKeyId: 'local', secretAccessKey: 'local' },
});

const unreachable = (endpoint: string, error: unknown): Error =>
  new Error(
    `No local cloud answers at ${endpoint} (${(error as Error).message}); start one with \`npm start\` or pass --endpoint`,
  );

export { localClientConfig, localEndpoint, unreachable };
