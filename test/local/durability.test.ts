// `smcp local --data-dir` killed with SIGKILL the moment a call returns: after a restart everything it acknowledged is
// there, and an execution that was running resumes where it was (a rotation waiting for approval, then approved).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveStack } from '../../scripts/cli/stack.ts';
import { freePort } from '../support/local-cloud.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let dataDir: string;
let port: number;
let endpoint: string;

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
}

const start = async (): Promise<Running> => {
  const child = spawn(
    process.execPath,
    ['scripts/smcp.ts', 'local', '--no-demo', '--port', String(port), '--data-dir', dataDir],
    { cwd: ROOT, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes(' ready at ')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`smcp local exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output };
};

/** SIGKILL: no handler runs, nothing is flushed on the way out. */
const kill = (running: Running) =>
  new Promise<void>((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });

const config = () => ({
  endpoint,
  region: 'us-east-1',
  maxAttempts: 1,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const admin = async (path: string, body?: unknown) => {
  const response = await fetch(`${endpoint}/_smcp/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, unknown>;
};

const cli = (...args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['scripts/smcp.ts', ...args, '--endpoint', endpoint], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

type Settled = { name: string; workflow: string; status: string; awaitingCallback: boolean }[];
/** Waits until nothing moves; returns the rotations, oldest first. */
const settleRotations = async () =>
  ((await admin('settle', { timeoutMs: 30_000 })).executions as Settled).filter((e) => e.workflow === 'rotation');

const approvalFor = async (secretId: string) => {
  const { events } = (await admin('events/since', { count: 0 })) as {
    events: { 'detail-type': string; detail: { approvalId?: string; secretId?: string } }[];
  };
  const requested = events.filter(
    (e) => e['detail-type'] === 'Approval Requested' && String(e.detail.secretId).includes(secretId),
  );
  return String(requested.at(-1)?.detail.approvalId);
};

const rotatable = (name: string) =>
  new CreateSecretCommand({
    Name: name,
    SecretString: JSON.stringify({ password: 'initial' }),
    Tags: [
      { Key: 'smcp:strategy', Value: 'random-password' },
      { Key: 'smcp:approval', Value: 'required' },
    ],
  });

/** Which version holds each label: AWSCURRENT moved once means two versions, the first one now AWSPREVIOUS. */
const labels = async (secretId: string) => {
  const { Versions = [] } = await new SecretsManagerClient(config()).send(
    new ListSecretVersionIdsCommand({ SecretId: secretId }),
  );
  return Versions.map((v) => [...(v.VersionStages ?? [])].sort().join(',')).sort();
};

beforeAll(async () => {
  port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
});

// Each test starts from an empty data directory.
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'smcp-durable-'));
});

afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('durable local state', () => {
  it('keeps a PutSecretValue, a SendMessage and a PutObject acknowledged just before a SIGKILL', async () => {
    const first = await start();
    const sm = new SecretsManagerClient(config());
    const sqs = new SQSClient(config());
    const s3 = new S3Client({ ...config(), forcePathStyle: true });
    await sm.send(new CreateSecretCommand({ Name: 'durable/value', SecretString: 'v1' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'durable-queue' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'durable-bucket' }));
    const put = await sm.send(new PutSecretValueCommand({ SecretId: 'durable/value', SecretString: 'v2' }));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'kept' }));
    const object = await s3.send(
      new PutObjectCommand({ Bucket: 'durable-bucket', Key: 'kept.txt', Body: 'object kept' }),
    );
    await kill(first);

    const second = await start();
    const value = await new SecretsManagerClient(config()).send(
      new GetSecretValueCommand({ SecretId: 'durable/value' }),
    );
    const { Messages = [] } = await new SQSClient(config()).send(new ReceiveMessageCommand({ QueueUrl }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'durable-bucket', Key: 'kept.txt' }));
    const body = await got.Body?.transformToString();
    await kill(second);

    expect([value.SecretString, value.VersionId]).toEqual(['v2', put.VersionId]);
    expect([body, got.ETag]).toEqual(['object kept', object.ETag]);
    expect(Messages.map((m) => [m.MessageId, m.Body])).toEqual([[sent.MessageId, 'kept']]);
  }, 120_000);

  it('resumes a rotation that waited for approval when it was killed: approved after the restart, it completes', async () => {
    const first = await start();
    await new SecretsManagerClient(config()).send(rotatable('durable/waiting'));
    const rotate = await cli('rotate', 'durable/waiting', '--as', 'alice');
    const [waiting] = await settleRotations();
    const approvalId = await approvalFor('durable/waiting');
    await kill(first);

    const second = await start();
    const [resumed] = await settleRotations();
    const approved = await cli('approve', approvalId, '--as', 'local-operator');
    const [done] = await settleRotations();
    const versions = await labels('durable/waiting');
    await kill(second);

    expect(rotate.code).toBe(0);
    expect(waiting).toMatchObject({ status: 'RUNNING', awaitingCallback: true });
    expect(resumed).toMatchObject({ name: waiting?.name, status: 'RUNNING', awaitingCallback: true });
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringContaining(`Approved ${approvalId}`)]);
    expect(done).toMatchObject({ name: waiting?.name, status: 'SUCCEEDED' });
    expect(versions).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  }, 120_000);

  it('keeps an approval (its SendTaskSuccess) acknowledged just before a SIGKILL: the rotation goes on after the restart', async () => {
    const first = await start();
    await new SecretsManagerClient(config()).send(rotatable('durable/approved'));
    await cli('rotate', 'durable/approved', '--as', 'alice');
    const [waiting] = await settleRotations();
    const approved = await cli('approve', await approvalFor('durable/approved'), '--as', 'local-operator');
    await kill(first);

    const second = await start();
    const [done] = await settleRotations();
    const versions = await labels('durable/approved');
    await kill(second);

    expect(approved.code).toBe(0);
    expect(done).toMatchObject({ name: waiting?.name, status: 'SUCCEEDED' });
    expect(versions).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  }, 120_000);

  it('delivers a PutEvents acknowledged just before a SIGKILL: the rotation it asks for runs after the restart', async () => {
    const first = await start();
    await new SecretsManagerClient(config()).send(
      new CreateSecretCommand({
        Name: 'durable/requested',
        SecretString: JSON.stringify({ password: 'initial' }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'none' },
        ],
      }),
    );
    // The control plane's own bus, where the rotation-requested rule listens.
    const busName = (await resolveStack({ stage: 'local', endpoint })).environment.EVENT_BUS_NAME;
    const { Entries = [] } = await new EventBridgeClient(config()).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: busName,
            Source: 'smcp',
            DetailType: 'Rotation Requested',
            Detail: JSON.stringify({ secretId: 'durable/requested', requestedBy: 'alice' }),
          },
        ],
      }),
    );
    await kill(first);

    const second = await start();
    const rotations = await settleRotations();
    const versions = await labels('durable/requested');
    await kill(second);

    expect(rotations.map((e) => [e.name, e.status])).toEqual([[Entries[0]?.EventId, 'SUCCEEDED']]);
    expect(versions).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
  }, 120_000);
});
