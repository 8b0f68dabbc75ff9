// The soak's cleanup secrets (functions/cleanup, statemachines/cleanup.asl.yml): unused secrets (backdated through the
// local-only route: created 400 days ago, last read 120 days ago), some whose policy asks for approval, one exempt by
// its tag and one read three days ago, all with canaries in every field. Actions: a `mark` scan, the grace period
// passing (the local clock moved forward day by day: the daily schedules fire on their days) and a `delete` scan,
// decisions on the deletions, and `smcp restore` (the CLI's own function) of some. Scans start as `smcp cleanup` starts
// them (StartExecution, a cli trigger stamped with the local clock), scoped to this run's secrets.
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { CleanupTag } from '../../../functions/cleanup/domain/tags.ts';
import type { LocalStack } from '../../../local/stack/build.ts';
import { cleanupScanInput, restore } from '../../cli/cleanup.ts';
import { tableNamed } from '../../cli/stack.ts';
import type { CleanupSecretState } from './cleanup-invariants.ts';
import type { SoakCloud } from './cloud.ts';

type Random = () => number;

interface CleanupMixOptions {
  readonly cloud: SoakCloud;
  readonly stack: LocalStack;
  readonly prefix: string;
  readonly random: Random;
  readonly canaries: { label: string; value: string }[];
  /** Everything the CLI printed goes through the canary check. */
  readonly texts: { where: string; text: string }[];
}

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
// cleanupGraceDays is 14: a secret marked on day 0 is deletable on day 15.
const GRACE_DAYS = 15;

interface CleanupSecret {
  readonly name: string;
  arn: string;
  readonly role: CleanupSecretState['role'];
  readonly approval: CleanupSecretState['approval'];
  readonly value: string;
  restored: boolean;
}

const createCleanupMix = (options: CleanupMixOptions) => {
  const { cloud, random } = options;
  const scope = `${options.prefix}/cleanup/`;
  const roles: CleanupSecret['role'][] = [
    ...Array.from({ length: 2 + Math.floor(random() * 2) }, () => 'unused' as const),
    'exempt',
    'recent',
  ];
  const secrets: CleanupSecret[] = roles.map((role, i) => {
    const value = Object.fromEntries(
      ['username', 'password', 'host', 'dbname'].map((field) => [field, `soak-cleanup-${field}-${randomUUID()}`]),
    );
    const name = `${scope}${role}-${i}`;
    for (const [field, canary] of Object.entries(value))
      options.canaries.push({ label: `${name}'s ${field}`, value: canary });
    return {
      name,
      arn: '',
      role,
      approval: random() < 0.5 ? 'required' : 'none',
      value: JSON.stringify(value),
      restored: false,
    };
  });
  const counts = { scans: 0, graceDays: 0, restores: 0, restored: 0, approved: 0, rejected: 0 };

  const clockNow = async () => new Date((await cloud.admin<{ now: string }>('clock')).now);

  const setup = async () => {
    const now = (await clockNow()).getTime();
    const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
    for (const secret of secrets) {
      const created = await cloud.clients.sm.send(
        new CreateSecretCommand({
          Name: secret.name,
          SecretString: secret.value,
          Tags: [
            { Key: 'smcp:approval', Value: secret.approval },
            ...(secret.role === 'exempt' ? [{ Key: 'smcp:cleanup', Value: 'exempt' }] : []),
          ],
        }),
      );
      secret.arn = created.ARN ?? secret.name;
      await cloud.admin('secrets/backdate', {
        secretId: secret.name,
        createdDate: ago(400),
        lastAccessedDate: { 'us-east-1': ago(secret.role === 'recent' ? 3 : 120) },
      });
    }
  };

  /** A scan as `smcp cleanup --mode <mode>` starts it, of this run's cleanup secrets only. */
  const scan = async (mode: 'mark' | 'delete') => {
    counts.scans++;
    const machine = options.stack.stateMachines.find((m) => m.key === 'cleanup');
    if (!machine) throw new Error('the stack has no cleanup state machine');
    const scanId = `cli-${randomUUID()}`;
    const input = cleanupScanInput({
      scanId,
      time: (await clockNow()).toISOString(),
      region: 'us-east-1',
      account: '000000000000',
      detail: { mode, dryRun: false, requestedBy: 'soak-runner', namePrefix: scope },
    });
    await cloud.clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine.arn, name: scanId, input: JSON.stringify(input) }),
    );
  };

  /** The grace period passes: the clock moves a day at a time (every schedule fires on its days meanwhile). */
  const gracePasses = async () => {
    for (let day = 0; day < GRACE_DAYS; day++) {
      await cloud.admin('clock', { advanceSeconds: DAY_S });
      counts.graceDays++;
    }
  };

  const pendingDeletions = async () => {
    const { Items = [] } = await cloud.clients.ddb.send(
      new ScanCommand({ TableName: tableNamed(options.stack, 'ApprovalsTable') }),
    );
    return Items.filter((i) => i.status?.S === 'pending' && i.action?.S === 'delete-secret').map(
      (i) => i.approvalId?.S ?? '',
    );
  };

  /** Waits (a while) for the delete scan to ask, then decides each deletion: mostly approve, sometimes reject. */
  const decide = async (approve: (approvalId: string, decision: 'approve' | 'reject') => Promise<void>) => {
    let pending = await pendingDeletions();
    for (let i = 0; i < 40 && pending.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pending = await pendingDeletions();
    }
    for (const approvalId of pending) {
      const decision = random() < 0.75 ? 'approve' : 'reject';
      counts[decision === 'approve' ? 'approved' : 'rejected']++;
      await approve(approvalId, decision);
    }
  };

  /** `smcp restore <secret>` of some of the secrets (a restore of one not deleted only takes its mark off). */
  const restoreSome = async () => {
    for (const secret of secrets.filter((s) => s.role === 'unused')) {
      if (random() < 0.4) continue;
      const lines: string[] = [];
      // An operator runs it again when a call fails (throttling, 5xx): it does nothing twice.
      for (let attempt = 1; ; attempt++) {
        const ran = await restore([secret.name, '--endpoint', cloud.url], { out: (line) => lines.push(line) }).catch(
          (error: unknown) => {
            if (attempt >= 4) throw error;
            return undefined;
          },
        );
        if (ran !== undefined) break;
      }
      counts.restores++;
      options.texts.push({ where: `smcp restore ${secret.name}`, text: lines.join('\n') });
      if (lines.some((l) => l.startsWith('Restored '))) {
        secret.restored = true;
        counts.restored++;
      }
    }
  };

  const state = async (): Promise<CleanupSecretState[]> => {
    const out: CleanupSecretState[] = [];
    for (const secret of secrets) {
      const described = await cloud.clients.sm
        .send(new DescribeSecretCommand({ SecretId: secret.name }))
        .catch((error: unknown) => {
          if ((error as Error).name === 'ResourceNotFoundException') return undefined;
          throw error;
        });
      const deletedDate = described?.DeletedDate?.toISOString();
      const value =
        described && !deletedDate
          ? (await cloud.clients.sm.send(new GetSecretValueCommand({ SecretId: secret.name }))).SecretString
          : undefined;
      out.push({
        name: secret.name,
        arn: secret.arn,
        role: secret.role,
        approval: secret.approval,
        exists: described !== undefined,
        deletedDate,
        marked: (described?.Tags ?? []).some((t) => t.Key === CleanupTag.marked),
        restored: secret.restored,
        valueIntact: value === undefined ? undefined : value === secret.value,
      });
    }
    return out;
  };

  return { setup, scan, gracePasses, decide, restoreSome, state, counts: () => ({ ...counts }) };
};

export { createCleanupMix };
