// The soak's replicated secrets (functions/replicas, statemachines/replica-repair.asl.yml): a few secrets replicated
// to us-west-2 (some to eu-west-1 too) with canaries in every field, some whose policy asks for approval. Actions make
// a replica fail with the local cloud's replica faults (docs/local-cloud.md, "Replica faults": the failure puts the
// ReplicationFailed service event on the bus, whose rule starts `replica-repair`), deliver a recorded ReplicationFailed
// again, or fire the six-hourly drift scan. At the end: each secret's replication status for the invariants.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { LocalStack } from '../../../local/stack/build.ts';
import type { SoakCloud } from './cloud.ts';
import type { ReplicaSecretState } from './replica-invariants.ts';

type Random = () => number;

interface ReplicaMixOptions {
  readonly root: string;
  readonly cloud: SoakCloud;
  readonly stack: LocalStack;
  readonly prefix: string;
  readonly random: Random;
  readonly canaries: { label: string; value: string }[];
  /** Puts an event on the bus (kept for redelivery). */
  readonly publish: (event: unknown) => Promise<void>;
}

// Faults whose repair the stage can make (transient: replicate again; kms-key in us-west-2: the stage's repair key)
// and one it must escalate (name-conflict: smcp:replica-overwrite is not allow). Each fails a bounded number of
// replications, so the invariants know how many removals a repair may make.
const FAULTS: Readonly<Record<string, readonly { kind: string; times: number }[]>> = {
  'us-west-2': [
    { kind: 'transient', times: 1 },
    { kind: 'transient', times: 2 },
    { kind: 'kms-key', times: 1 },
    { kind: 'name-conflict', times: 1 },
  ],
  'eu-west-1': [
    { kind: 'transient', times: 1 },
    { kind: 'name-conflict', times: 1 },
  ],
};

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const createReplicaMix = (options: ReplicaMixOptions) => {
  const { cloud, random } = options;
  const secrets = Array.from({ length: 1 + Math.floor(random() * 2) }, (_, i) => ({
    name: `${options.prefix}/replica-${i}`,
    arn: '',
    approval: random() < 0.5 ? ('required' as const) : ('none' as const),
    regions: random() < 0.5 ? ['us-west-2'] : ['us-west-2', 'eu-west-1'],
    failures: {} as Record<string, number>,
  }));
  const failed: Record<string, number> = {};
  const template = readFileSync(
    join(options.root, 'events/recorded/replica-transient/01-replication-failed.json'),
    'utf8',
  );

  const setup = async () => {
    for (const secret of secrets) {
      const value = Object.fromEntries(
        ['username', 'password', 'host', 'dbname'].map((field) => [field, `soak-replica-${field}-${randomUUID()}`]),
      );
      for (const [field, canary] of Object.entries(value)) {
        options.canaries.push({ label: `${secret.name}'s ${field}`, value: canary });
      }
      const created = await cloud.clients.sm.send(
        new CreateSecretCommand({
          Name: secret.name,
          SecretString: JSON.stringify(value),
          AddReplicaRegions: secret.regions.map((Region) => ({ Region })),
          Tags: [{ Key: 'smcp:approval', Value: secret.approval }],
        }),
      );
      secret.arn = created.ARN ?? secret.name;
      // Replication settles on the next call.
      await cloud.clients.sm.send(new DescribeSecretCommand({ SecretId: secret.name }));
    }
  };

  /** One replica of one secret fails (at once when InSync, else at its next replication). */
  const fail = async (index: number) => {
    const secret = secrets[index % secrets.length];
    if (!secret) return;
    const region = pick(random, secret.regions);
    const fault = pick(random, FAULTS[region] ?? []);
    if (!fault) return;
    // Counted first: a fault the route took before an answer was lost can still fail a replication.
    secret.failures[region] = (secret.failures[region] ?? 0) + fault.times;
    failed[fault.kind] = (failed[fault.kind] ?? 0) + 1;
    await cloud.admin('secretsmanager/faults', {
      replicaFailures: [{ secretId: secret.name, region, kind: fault.kind, times: fault.times }],
    });
  };

  /** The recorded ReplicationFailed for one of the secrets, as a new event: a repair that may find nothing to do. */
  const serviceEvent = async (index: number) => {
    const secret = secrets[index % secrets.length];
    if (!secret) return;
    const event = JSON.parse(template.split('replicas/transient').join(secret.name)) as Record<string, unknown>;
    await options.publish({
      ...event,
      id: randomUUID(),
      detail: { ...(event.detail as object), eventID: randomUUID() },
    });
  };

  const scheduledScan = async () => {
    const rule = options.stack.rules.find((r) => r.scheduleExpression && r.name.includes('replica-drift-scan'));
    if (!rule) throw new Error('the stack has no replica-drift-scan schedule');
    await cloud.admin('schedules/fire', { rule: rule.name });
  };

  const state = async (): Promise<ReplicaSecretState[]> => {
    const out: ReplicaSecretState[] = [];
    for (const secret of secrets) {
      const described = await cloud.clients.sm
        .send(new DescribeSecretCommand({ SecretId: secret.name }))
        .catch(() => undefined);
      out.push({
        name: secret.name,
        arn: secret.arn,
        regions: secret.regions,
        failures: { ...secret.failures },
        replicas: (described?.ReplicationStatus ?? []).map((r) => ({ region: r.Region ?? '', status: r.Status ?? '' })),
      });
    }
    return out;
  };

  return {
    setup,
    fail,
    serviceEvent,
    scheduledScan,
    state,
    /** Fault kind → how many the run injected. */
    faults: () => ({ ...failed }),
  };
};

export { createReplicaMix };
