// `smcp reads [<secret>] [--since 7d] [--json|--csv] [--endpoint URL] [--stage NAME] [--region REGION]`: what reading
// secrets costs, per secret and per principal, from the read counters ingest-reads writes (never a secret value).
// Without --endpoint (or SMCP_ENDPOINT) it reads the deployed stage's counters in AWS with your usual credentials;
// with one, a local cloud's.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createCounters } from '../../functions/reads/adapters/counters.ts';
import { COUNTER_RETENTION_SECONDS } from '../../functions/reads/domain/keys.ts';
import {
  buildReadCostReport,
  formatReadCostCsv,
  formatReadCostTable,
  parseSince,
  readCostParamsFrom,
  reportWindow,
} from '../../functions/reads/domain/read-cost.ts';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from '../../local/protocol.ts';
import { buildStack } from '../../local/stack/build.ts';
import { loadServiceConfig, type ServiceConfig } from '../../local/stack/service-config.ts';
import { localClientConfig, unreachable } from './client-config.ts';
import { readStateBucketName } from './stack-names.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A mistake on the command line: smcp prints the usage and exits 2. */
const usageError = (message: string) => Object.assign(new Error(message), { usage: true });

interface Target {
  readonly bucket: () => Promise<string>;
  readonly where: string;
  readonly now: () => Promise<number>;
  readonly clientConfig: Record<string, unknown>;
}

/** The local cloud: names from the stack it resolved from serverless.yml, its clock (a test's may be manual). */
const localTarget = (config: ServiceConfig, endpoint: string): Target => {
  const stack = buildStack(config, { region: DEFAULT_REGION, account: LOCAL_ACCOUNT }, endpoint);
  const bucket = stack.buckets.find((b) => b.logicalId === 'ReadStateBucket')?.name;
  if (bucket === undefined) throw new Error('serverless.yml has no ReadStateBucket');
  return {
    bucket: async () => bucket,
    where: `${bucket} at ${endpoint}`,
    clientConfig: localClientConfig(endpoint),
    now: async () => {
      const response = await fetch(`${endpoint}/_smcp/health`).catch((error: unknown) => {
        throw unreachable(endpoint, error);
      });
      const now = Date.parse(String(((await response.json().catch(() => ({}))) as { now?: unknown }).now));
      if (!Number.isFinite(now)) throw new Error(`${endpoint} is not a local cloud (no time on /_smcp/health)`);
      return now;
    },
  };
};

/** AWS: the stage's names as the stack derives them, the SDK's usual credentials and region. */
const awsTarget = (config: ServiceConfig, stage: string, region: string | undefined): Target => {
  const clientConfig = region ? { region } : {};
  return {
    // The bucket's name carries the account and the region: the caller's, as the SDK resolves them.
    bucket: async () => {
      const sts = new STSClient(clientConfig);
      try {
        const { Account } = await sts.send(new GetCallerIdentityCommand({}));
        return readStateBucketName(config.service, stage, Account ?? '', await sts.config.region());
      } finally {
        sts.destroy();
      }
    },
    where: `the stage's read-state bucket${region ? ` in ${region}` : ''}`,
    clientConfig,
    now: async () => Date.now(),
  };
};

const isNotFound = (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException';

const reads = async (args: string[]): Promise<number> => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      since: { type: 'string', default: '7d' },
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw usageError(`reads takes at most one secret, got ${positionals.length}`);
  if (values.json && values.csv) throw usageError('--json and --csv cannot be used together: choose one format');
  // The syntax first, before anything is resolved or called; whether the time is in the past needs the clock below.
  const syntax = parseSince(values.since, Number.POSITIVE_INFINITY);
  if (!syntax.ok) throw usageError(syntax.message);

  const endpoint = values.endpoint ?? process.env.SMCP_ENDPOINT;
  // serverless.yml's default stage for AWS (`${opt:stage, 'dev'}`), the local cloud's own otherwise.
  const stage = values.stage ?? (endpoint ? 'local' : 'dev');
  const config = await loadServiceConfig({ root: ROOT, stage });
  const params = readCostParamsFrom({ ...config.params?.default, ...config.params?.[stage] });
  if (!params.ok) throw new Error(`stage ${stage}: ${params.message}`);
  const target = endpoint ? localTarget(config, endpoint) : awsTarget(config, stage, values.region);

  const now = await target.now();
  const since = parseSince(values.since, now);
  if (!since.ok) throw usageError(since.message);
  const window = reportWindow(since.value, now, COUNTER_RETENTION_SECONDS * 1000);

  const s3 = new S3Client({ ...target.clientConfig, ...(endpoint ? { forcePathStyle: true } : {}) });
  const sm = new SecretsManagerClient(target.clientConfig);
  try {
    const [secretId] = positionals;
    let secretArn: string | undefined;
    if (secretId !== undefined) {
      secretArn = await sm.send(new DescribeSecretCommand({ SecretId: secretId })).then(
        (out) => out.ARN,
        (error: unknown) => {
          if (isNotFound(error)) throw new Error(`No secret ${JSON.stringify(secretId)} in Secrets Manager`);
          throw error;
        },
      );
      if (!secretArn) throw new Error(`Secrets Manager did not return an ARN for ${JSON.stringify(secretId)}`);
    }
    const counters = createCounters({ s3, bucket: await target.bucket() });
    const usage = await counters.usage(window.from, window.to, secretArn).catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NoSuchBucket')
        throw new Error(`No ${target.where}: is stage ${stage} deployed there (--stage, --region)?`);
      throw error;
    });
    const report = buildReadCostReport(usage, window, params.value);
    const text = values.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : values.csv
        ? formatReadCostCsv(report)
        : formatReadCostTable(report);
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
    );
    return 0;
  } finally {
    s3.destroy();
    sm.destroy();
  }
};

export { reads };
