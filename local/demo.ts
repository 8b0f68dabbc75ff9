// The `npm start` demo: a few secrets with policy tags, some reads, and the demo events replayed once.

import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { LocalCloud } from './cloud.ts';
import { loadRecordedEvents } from './replay/load.ts';
import { formatTimeline, type HistoryEventLike } from './replay/timeline.ts';
import { settle } from './settle.ts';

const DEMO_EVENTS = fileURLToPath(new URL('../events/recorded/demo/', import.meta.url));

const DEMO_SECRETS = [
  {
    Name: 'demo/app/api-key',
    Description: 'An API key rotated with a random password, no approval',
    Tags: [
      { Key: 'smcp:rotation', Value: 'orchestrated' },
      { Key: 'smcp:strategy', Value: 'random-password' },
      { Key: 'smcp:approval', Value: 'none' },
      { Key: 'smcp:owner', Value: 'platform-team' },
    ],
  },
  {
    Name: 'demo/db/orders',
    Description: 'A database login whose rotation needs approval',
    Tags: [
      { Key: 'smcp:rotation', Value: 'orchestrated' },
      { Key: 'smcp:strategy', Value: 'postgres-single-user' },
      { Key: 'smcp:approval', Value: 'required' },
      { Key: 'smcp:replicas', Value: 'eu-west-1' },
    ],
  },
];

const runDemo = async (cloud: LocalCloud, say: (line: string) => void) => {
  const sm = new SecretsManagerClient({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const existing = new Set(((await sm.send(new ListSecretsCommand({}))).SecretList ?? []).map((s) => s.Name));
  for (const secret of DEMO_SECRETS) {
    if (existing.has(secret.Name)) continue;
    // Demo values are generated here and never printed.
    await sm.send(
      new CreateSecretCommand({ ...secret, SecretString: JSON.stringify({ password: crypto.randomUUID() }) }),
    );
    say(`demo: created secret ${secret.Name}`);
  }
  for (let i = 0; i < 3; i++) await sm.send(new GetSecretValueCommand({ SecretId: 'demo/app/api-key' }));
  sm.destroy();

  const since = cloud.clock.now();
  const recorded = loadRecordedEvents([DEMO_EVENTS]);
  for (const { file, event } of recorded) {
    const matched = cloud.bus?.publish(event) ?? 0;
    say(`demo: replayed ${file} (${event['detail-type']}) → ${matched} rule(s) matched`);
  }
  const executions = await settle(cloud, { since, timeoutMs: 30_000 });
  for (const execution of executions) say(formatTimeline(execution, execution.history as HistoryEventLike[]));
  if (executions.length === 0) {
    say(
      'demo: the dispatcher validated the events and parked them in the dead-letter queue, because no workflow state ' +
        'machine exists yet (the workflows arrive with their issues). See the ERROR log lines above for the reasons.',
    );
  }
};

export { runDemo };
