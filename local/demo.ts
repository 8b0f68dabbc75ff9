// The `npm start` demo: the secrets in events/recorded/demo/setup.json, a few reads, and the demo events replayed
// once through the replay engine: one rotation runs to the end, a failed rotation is remediated (and retried), and one
// rotation waits for a human approval. Each path has a secret of its own (api-key, db-password, payments-token): on
// one secret the remediation would hold the lock the first rotation needs, and that rotation would only be skipped.
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LocalCloud } from './cloud.ts';
import { inProcess, loadScenario, replayScenario } from './replay/engine.ts';
import { formatTimeline, type HistoryEventLike } from './replay/timeline.ts';

const DEMO = fileURLToPath(new URL('../events/recorded/demo/', import.meta.url));

/** A few reads, so the read pipeline has something to count. */
const readDemoSecret = async (url: string) => {
  const sm = new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (let i = 0; i < 3; i++) await sm.send(new GetSecretValueCommand({ SecretId: 'demo/app/api-key' }));
  sm.destroy();
};

const runDemo = async (cloud: LocalCloud, say: (line: string) => void) => {
  const run = await replayScenario(inProcess(cloud), loadScenario([DEMO]), {
    timeoutMs: 30_000,
    beforeEvents: async (created) => {
      for (const name of created) say(`demo: created secret ${name}`);
      await readDemoSecret(cloud.url);
    },
    onPublished: (batch) => {
      for (const { file, event, matched } of batch) {
        say(`demo: replayed ${file} (${event['detail-type']}) → ${matched} rule(s) matched`);
      }
    },
  });
  for (const execution of run.executions) {
    say(
      formatTimeline(
        { ...execution, status: execution.awaitingCallback ? 'WAITING' : execution.status },
        execution.history as HistoryEventLike[],
      ),
    );
  }
  const approvals = run.events
    .filter((e) => e.source === 'smcp' && e['detail-type'] === 'Approval Requested')
    .map((e) => e.detail as { approvalId: string; secretId: string });
  for (const { approvalId, secretId } of approvals) {
    say(`demo: the rotation of ${secretId} waits for approval ${approvalId}. Decide it with:`);
    say(
      `        npm run smcp -- approve ${approvalId} --as ${cloud.operator}     (or: reject …; list: npm run smcp -- approvals)`,
    );
    say(`      or in the console: ${cloud.consoleUrl}#/approvals`);
  }
  say(`demo: done — ${run.executions.length} executions. Look at them in the console: ${cloud.consoleUrl}#/executions`);
};

export { runDemo };
