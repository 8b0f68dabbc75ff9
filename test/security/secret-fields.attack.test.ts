// Attack: a postgres-single-user rotation against a server that refuses the login put the secret's `username` into the
// execution history (every retry) and the SNS "Rotation Failed" message. No field of a secret value may leave Secrets
// Manager: here a canary sits in EVERY field of the rotated secrets — password, username, host, port (as a string,
// which the strategy accepts), dbname, engine where a wrong one is the failure, extra fields — and in a master-secret
// and signing-secret reference, and every output is searched: execution histories (with data), bus events, log lines,
// the SNS outbox, the dead-letter queue and the Slack stand-in (the local SNS→Slack webhook forwarder).
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, replayScenario } from '../../local/replay/engine.ts';
import { queueNamed } from '../../scripts/cli/stack.ts';
import { type Harness, startHarness } from '../rotation/scenarios/support.ts';

const mark = () => randomUUID().replaceAll('-', '');
// Role and database names must be SQL identifiers: lower-case letters, digits and underscores.
const USERNAME = `canary_user_${mark()}`;
const USERNAME_IN = `canary_user_in_${mark()}`;
const SIGNING_KEY = `canary-signing-key-${mark()}`;
const DBNAME = `canary_db_${mark()}`;
const PASSWORD = `canary-password-${mark()}`;
const HOST = `canary-host-${mark()}.invalid`;
const ENGINE = `canary-engine-${mark()}`;
const NOTE = `canary-note-${mark()}`;
const TEAM = `canary-team-${mark()}`;
const MASTER_REF = `canary-master-${mark()}`;
const SIGNING_REF = `canary-signing-${mark()}`;
const WEBHOOK_HOST = `canary-webhook-${mark()}.invalid`;

let h: Harness;

const withoutReferenceRequests = (event: BusEvent): BusEvent => {
  const detail = event.detail as { eventName?: string; requestParameters?: { secretId?: string } };
  const asked = detail.requestParameters?.secretId;
  if (event.source !== 'aws.secretsmanager' || (asked !== MASTER_REF && asked !== SIGNING_REF)) return event;
  return { ...event, detail: { ...detail, requestParameters: { secretId: '(a referenced secret)' } } };
};
let slack: Server;
const slackPosts: string[] = [];
let portText = '';

const rotationRequested = (secretId: string): BusEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Rotation Requested',
  source: 'smcp',
  account: '000000000000',
  time: h.clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: [],
  detail: { secretId, reason: 'attack test', requestedBy: 'alice' },
});

const createSecret = async (name: string, value: Record<string, unknown>, strategy: string) =>
  (
    await h.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify(value),
        Tags: [
          { Key: 'smcp:strategy', Value: strategy },
          { Key: 'smcp:approval', Value: 'none' },
        ],
      }),
    )
  ).ARN ?? '';

beforeAll(async () => {
  slack = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      slackPosts.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
  h = await startHarness({ slackWebhookUrl: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook` });
  // A role whose password is not the secret's: the server refuses the login (28P01), as in the report.
  await h.db.query(`CREATE ROLE ${USERNAME} LOGIN PASSWORD ${pg.escapeLiteral(`not-${PASSWORD}`)}`);
  // A role that logs in, on a database that does not exist (3D000).
  await h.db.query(`CREATE ROLE ${USERNAME_IN} LOGIN PASSWORD ${pg.escapeLiteral(PASSWORD)}`);
  // Leading zeros: the strategy reads the port as a number, so the text is a canary of its own.
  portText = `0000${h.db.port}`;
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await new Promise<void>((resolve) => slack?.close(() => resolve()));
});

describe('secret fields in errors, events, logs and notifications', () => {
  it('names no field of the secret whatever fails: refused login, unknown host, missing database, wrong engine, references', async () => {
    const signing = (
      await h.sm.send(
        new CreateSecretCommand({ Name: 'fields/signing', SecretString: JSON.stringify({ signingKey: SIGNING_KEY }) }),
      )
    ).ARN;
    const base = { port: portText, username: USERNAME, password: PASSWORD, dbname: DBNAME, note: NOTE, team: TEAM };
    const secrets = [
      // The server refuses the login: the reported leak (username in the history and the Rotation Failed message).
      await createSecret('fields/refused', { engine: 'postgres', host: h.db.host, ...base }, 'postgres-single-user'),
      // The login is accepted but the database does not exist.
      await createSecret(
        'fields/no-database',
        { engine: 'postgres', host: h.db.host, ...base, username: USERNAME_IN },
        'postgres-single-user',
      ),
      // The host does not resolve.
      await createSecret('fields/no-host', { engine: 'postgres', host: HOST, ...base }, 'postgres-single-user'),
      // The engine is not postgres.
      await createSecret('fields/engine', { engine: ENGINE, host: h.db.host, ...base }, 'postgres-single-user'),
      // The master secret a field names does not exist.
      await createSecret(
        'fields/master',
        { engine: 'postgres', host: h.db.host, ...base, masterarn: MASTER_REF },
        'postgres-alternating-users',
      ),
      // The webhook's signing secret a field names does not exist, and the webhook's host does not resolve.
      await createSecret(
        'fields/webhook',
        { webhookUrl: `https://${WEBHOOK_HOST}/rotate`, signingSecretArn: SIGNING_REF, password: PASSWORD, note: NOTE },
        'webhook',
      ),
      // The signing secret exists; the webhook's host does not resolve.
      await createSecret(
        'fields/webhook-host',
        { webhookUrl: `https://${WEBHOOK_HOST}/rotate`, signingSecretArn: signing, password: PASSWORD, note: NOTE },
        'webhook',
      ),
    ];

    const run = await replayScenario(inProcess(h.cloud), {
      setup: { secrets: [] },
      events: secrets.map((arn, i) => ({ file: `attack-${i}.json`, event: rotationRequested(arn) })),
      expected: {},
    });

    const rotations = run.executions.filter((e) => e.workflow === 'rotation');
    expect(rotations.map((e) => e.status)).toEqual(secrets.map(() => 'FAILED'));
    const failures = h.cloud.sns.outbox().filter((m) => /fail/i.test(`${m.Subject ?? ''} ${m.Message}`));
    expect(
      failures.length,
      JSON.stringify(h.cloud.sns.outbox().map((m) => m.Message.slice(0, 400))),
    ).toBeGreaterThanOrEqual(secrets.length);
    expect(slackPosts.length).toBeGreaterThan(0);

    const sqs = h.clients.sqs;
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: queueNamed(h.cloud.stack, 'DeadLetterQueue') }),
    );
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const histories = h.cloud.stepfunctions.executions().map((e) => h.cloud.stepfunctions.history(e.executionArn));
    const surfaces = {
      'execution histories': JSON.stringify(histories),
      // masterarn and signingSecretArn are the ids of other secrets, which the strategy must ask Secrets Manager for:
      // CloudTrail's record of that GetSecretValue names the id asked for, as AWS's does. That one member is the
      // only place a reference may appear; everything else in the events is searched.
      'bus events': JSON.stringify(h.busEvents.map(withoutReferenceRequests)),
      logs: h.output.join('') + h.logs.join('\n'),
      'SNS outbox': JSON.stringify(h.cloud.sns.outbox()),
      'dead letters': JSON.stringify(Messages),
      'Slack stand-in': slackPosts.join('\n'),
    };
    const canaries = {
      username: USERNAME,
      'username (logs in)': USERNAME_IN,
      signingKey: SIGNING_KEY,
      password: PASSWORD,
      host: HOST,
      port: portText,
      dbname: DBNAME,
      engine: ENGINE,
      note: NOTE,
      team: TEAM,
      masterarn: MASTER_REF,
      signingSecretArn: SIGNING_REF,
      webhookUrl: WEBHOOK_HOST,
    };
    const leaks = Object.entries(surfaces).flatMap(([surface, text]) =>
      Object.entries(canaries)
        .filter(([, canary]) => text.includes(canary))
        .map(([field]) => `${field} in ${surface}`),
    );
    expect(leaks).toEqual([]);
  });
});
