// The planner over random replica states and policies (fast-check): whatever the replicas say and whatever the tags,
// the plan never overwrites another secret, never prunes, replaces an in-sync replica or falls back to the default
// key without the tag that allows it, never grows or prunes a secret without smcp:replicas, and plans every region once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, planReplicas } from '../../functions/replicas/domain/plan.ts';
import { DEFAULT_KMS_KEY, policyOf } from '../../functions/replicas/domain/policy.ts';
import { statusMessage } from '../../local/secretsmanager/replicas.ts';

const PRIMARY = 'us-east-1';
const REGIONS: readonly string[] = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-east-1', 'eu-central-1'];
const KEYS = [undefined, DEFAULT_KMS_KEY, 'alias/app', 'alias/other', 'arn:aws:kms:eu-west-1:1:key/k'] as const;

const message = fc.constantFrom(
  statusMessage.nameConflict('app/db', 'us-west-2'),
  'Secret with this name already exists in this region',
  statusMessage.kmsKeyDisabled('alias/app', 'eu-west-1'),
  statusMessage.kmsKeyNotFound('alias/app', 'eu-west-1'),
  statusMessage.kmsAccessDenied('alias/app', 'eu-west-1'),
  statusMessage.regionNotEnabled('ap-east-1'),
  statusMessage.transient('us-west-2'),
  'Replication failed',
  undefined,
);

const replica = fc.record(
  {
    region: fc.constantFrom(...REGIONS),
    status: fc.constantFrom('InSync', 'Failed', 'InProgress'),
    kmsKeyId: fc.constantFrom(...KEYS),
    statusMessage: message,
  },
  { requiredKeys: ['region', 'status'] },
);

const replicas = fc.uniqueArray(replica, { selector: (r) => r.region, maxLength: 5 }).map((list) =>
  list.map(({ kmsKeyId, statusMessage: m, ...rest }) => ({
    ...rest,
    ...(kmsKeyId === undefined ? {} : { kmsKeyId }),
    ...(m === undefined ? {} : { statusMessage: m }),
  })),
);

const allowOrNot = fc.constantFrom(undefined, 'allow', 'deny', 'ALLOW', '');
const desiredTag = fc.option(
  fc.oneof(
    fc
      .uniqueArray(fc.tuple(fc.constantFrom(...REGIONS), fc.constantFrom(...KEYS)), {
        selector: ([r]) => r,
        maxLength: 4,
      })
      .map((entries) => entries.map(([r, k]) => (k ? `${r}=${k}` : r)).join(',')),
    fc.constantFrom('', 'not a region', 'us-west-2,,eu-west-1', 'us-west-2=a=b'),
  ),
  { nil: undefined },
);

const tags = fc
  .record({
    'smcp:replicas': desiredTag,
    'smcp:replica-overwrite': allowOrNot,
    'smcp:replica-kms-fallback': allowOrNot,
    'smcp:replica-prune': allowOrNot,
    'smcp:approval': fc.constantFrom(undefined, 'required', 'none', 'maybe'),
  })
  .map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as Record<string, string>);

const kmsKeys = fc.dictionary(
  fc.constantFrom(...REGIONS),
  fc.constantFrom(DEFAULT_KMS_KEY, 'alias/stage', 'alias/app'),
  {
    maxKeys: 3,
  },
);

const allowed = (t: Record<string, string>, tag: string) => t[tag]?.trim().toLowerCase() === 'allow';

describe('replica repair plan (property)', () => {
  it('never acts beyond what the tags allow, and plans every region exactly once', () => {
    fc.assert(
      fc.property(
        replicas,
        tags,
        kmsKeys,
        fc.constantFrom('required', 'none'),
        (observed, t, keys, approvalDefault) => {
          const policy = policyOf(t, { primaryRegion: PRIMARY, kmsKeys: keys, approvalDefault });
          const plan = planReplicas({ primaryRegion: PRIMARY, replicas: observed, policy });
          const byRegion = new Map(observed.map((r) => [r.region, r]));

          // Every replica outside the primary's region once; added regions are only ones the tag wants and lacks.
          const planned = plan.regions.map((r) => r.region);
          expect(new Set(planned).size).toBe(planned.length);
          for (const r of observed.filter((o) => o.region !== PRIMARY)) expect(planned).toContain(r.region);
          for (const r of plan.regions) {
            const before = byRegion.get(r.region);
            // ForceOverwriteReplicaSecret only for a name conflict the overwrite tag allows.
            if (r.force) {
              expect(allowed(t, 'smcp:replica-overwrite')).toBe(true);
              expect(r.class).toBe('name-conflict');
            }
            // Removing a replica the secret does not want repaired needs the prune tag.
            if (r.action === ACTIONS.prune) expect(allowed(t, 'smcp:replica-prune')).toBe(true);
            // An in-sync replica is replaced only to fix its key, with the prune tag.
            if (r.action === ACTIONS.rekey && before?.status === 'InSync')
              expect(allowed(t, 'smcp:replica-prune')).toBe(true);
            // A KMS failure falls back to the default key only with the fallback tag (or when the stage names it).
            if (r.action === ACTIONS.rekey && r.class?.startsWith('kms-') && r.targetKmsKeyId === DEFAULT_KMS_KEY) {
              expect(allowed(t, 'smcp:replica-kms-fallback') || keys[r.region] === DEFAULT_KMS_KEY).toBe(true);
            }
            // Nothing is replicated again with the key that just failed.
            if (r.action === ACTIONS.rekey && before?.status === 'Failed') {
              expect(r.targetKmsKeyId).not.toBe(before.kmsKeyId ?? DEFAULT_KMS_KEY);
            }
            // A Region that is not enabled is never replicated into.
            if (r.class === 'region-not-enabled') expect(r.action).toBe(ACTIONS.escalate);
            // Without smcp:replicas: repaired, never grown, pruned or reported as drift.
            if (t['smcp:replicas'] === undefined) {
              expect([ACTIONS.add, ACTIONS.prune, ACTIONS.report]).not.toContain(r.action);
            }
            if (r.action === ACTIONS.add) expect(before).toBeUndefined();
          }
          if (t['smcp:replicas'] === undefined) expect(plan.drift).toBeUndefined();
          // The gate: asked for exactly when the secret's policy says so.
          const tagApproval = t['smcp:approval'];
          const expected = tagApproval === 'required' || tagApproval === 'none' ? tagApproval : approvalDefault;
          expect(plan.approval).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
