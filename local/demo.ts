// The `npm start` demo: the secrets in events/recorded/demo/setup.json, a few reads, and the demo events replayed
// once: one rotation runs to the end, a failed rotation is remediated, and one rotation waits for a human approval.
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LocalCloud } from './cloud.ts';
import { loadRecordedEvents } from './replay/load.ts';
import { applySetup, loadSetup } from './replay/setup.ts';
import { formatTimeline, type HistoryEventLike } from './replay/timeline.ts';
import { settle } from './settle.ts';

const DEMO = fileURLToPath(new URL('../events/recorded/demo/', import.meta.url));

const runDemo = async (cloud: LocalCloud, say: (line: string) => void) => {
  for (const name of await applySetup(cloud.url, loadSetup([DEMO]))) say(`demo: created secret ${name}`);
  const sm = new SecretsManagerClient({
    endpoint: cloud.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (let i = 0; i < 3; i++) await sm.send(new GetSecretValueCommand({ SecretId: 'demo/app/api-key' }));
  sm.destroy();

  const since = cloud.clock.now();
  for (const { file, event } of loadRecordedEvents([DEMO])) {
    const matched = cloud.bus?.publish(event) ?? 0;
    say(`demo: replayed ${file} (${event['detail-type']}) → ${matched} rule(s) matched`);
  }
  const executions = await settle(cloud, { since, timeoutMs: 30_000 });
  for (const execution of executions) {
    say(
      formatTimeline(
        { ...execution, status: execution.awaitingCallback ? 'WAITING' : execution.status },
        execution.history as HistoryEventLike[],
      ),
    );
  }
  const approvals = (cloud.bus?.recentEvents() ?? [])
    .filter(
      (e) =>
        e.source === 'smcp' &&
        e['detail-type'] === 'Approval Requested' &&
        new Date(e.time).getTime() >= since.getTime() - 1000,
    )
    .map((e) => e.detail as { approvalId: string; secretId: string });
  for (const { approvalId, secretId } of approvals) {
    say(`demo: the rotation of ${secretId} waits for approval ${approvalId}. Decide it with:`);
    say(
      `        npm run smcp -- approve ${approvalId} --as local-operator     (or: reject …; list: npm run smcp -- approvals)`,
    );
  }
  say(
    `demo: done — ${executions.length} executions. Replay it with: npm run smcp -- replay events/recorded/demo --endpoint ${cloud.url}`,
  );
};

export { runDemo };
