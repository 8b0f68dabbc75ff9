import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startSecretsManager } from '../../local/secretsmanager/harness.ts';

const run = promisify(execFile);
// Debian's AWS CLI v2 (.ci/run installs it). An `aws` found earlier on PATH may be another major version.
const AWS = '/usr/bin/aws';
const hasAws = spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('aws-cli/2') ?? false;

describe('secrets manager through the AWS CLI', () => {
  if (!hasAws) {
    // CI installs the CLI: there its absence is a failure, not a silent pass.
    it('needs the AWS CLI v2 at /usr/bin/aws in CI', () => {
      expect(process.env.CI).not.toBe('true');
    });
    return;
  }

  let h: Harness;
  beforeAll(async () => {
    h = await startSecretsManager();
  });
  afterAll(async () => {
    await h.close();
  });

  // Async on purpose: a synchronous child would block the event loop that serves the endpoint.
  const aws = async (...args: string[]) => {
    const { stdout } = await run(AWS, ['secretsmanager', ...args, '--endpoint-url', h.url, '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it('creates, reads and lists a secret', async () => {
    const created = await aws('create-secret', '--name', 'cli/secret', '--secret-string', 'from-cli');
    const value = await aws('get-secret-value', '--secret-id', 'cli/secret');
    const listed = await aws('list-secrets');

    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:cli\/secret-\w{6}$/);
    expect(value).toMatchObject({ Name: 'cli/secret', SecretString: 'from-cli', VersionStages: ['AWSCURRENT'] });
    expect((listed.SecretList as { Name: string }[]).map((s) => s.Name)).toEqual(['cli/secret']);
    expect(h.events.map((e) => e.detail.eventName)).toEqual(['CreateSecret', 'GetSecretValue', 'ListSecrets']);
  });

  it('reports AWS errors the CLI understands', async () => {
    const failure = await aws('get-secret-value', '--secret-id', 'missing').catch(
      (error: { stderr?: string }) => error,
    );

    expect((failure as { stderr?: string }).stderr).toContain('ResourceNotFoundException');
  });
});
