// The replica policy a secret's tags and the stage's params set (docs/replicas.md, "Tags" and "Params"):
//   smcp:replicas              the regions the secret should be in, each with an optional key:
//                              `eu-west-1,us-west-2=alias/app` (drift is judged only for secrets that have it)
//   smcp:replica-overwrite     `allow`: a name conflict may be repaired with ForceOverwriteReplicaSecret
//   smcp:replica-kms-fallback  `allow`: a KMS failure may be repaired with the default key aws/secretsmanager
//   smcp:replica-prune         `allow`: regions the tag does not list may be removed, a wrong key replaced
//   smcp:approval              `required` | `none`, over the stage's approvalDefault
// and the stage param replicaKmsKeys (`{"eu-west-1":"alias/app"}`): the key to repair a KMS failure with, per region.
// Pure: values come in as strings, verdicts go out; a malformed tag or param is reported, never guessed at.

const TAGS = {
  replicas: 'smcp:replicas',
  overwrite: 'smcp:replica-overwrite',
  kmsFallback: 'smcp:replica-kms-fallback',
  prune: 'smcp:replica-prune',
  approval: 'smcp:approval',
} as const;

/** The key Secrets Manager uses when a replica names none. */
const DEFAULT_KMS_KEY = 'alias/aws/secretsmanager';

// AWS's Region pattern (ReplicaRegionType.Region): `^([a-z]+-)+\d+$`.
const REGION = /^([a-z]+-)+\d+$/;
// A key id as ReplicaRegionType.KmsKeyId takes it (ARN, key id or alias); no separators of the tag's own syntax.
const KEY_ID = /^[A-Za-z0-9:/_-]{1,2048}$/;

interface DesiredRegion {
  readonly region: string;
  /** Absent: whatever key the replica has is right. */
  readonly kmsKeyId?: string;
}

type Desired =
  | { readonly kind: 'none' }
  | { readonly kind: 'regions'; readonly regions: readonly DesiredRegion[] }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Reads `smcp:replicas`. An empty value wants no replicas at all (which only a prune-allowed secret acts on). */
const desiredRegions = (tag: string | undefined, primaryRegion: string): Desired => {
  if (tag === undefined) return { kind: 'none' };
  const regions: DesiredRegion[] = [];
  for (const raw of tag.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [region = '', kmsKeyId, ...rest] = entry.split('=').map((part) => part.trim());
    if (rest.length > 0 || !REGION.test(region)) {
      return { kind: 'invalid', reason: `${TAGS.replicas}: "${entry.slice(0, 64)}" is not a region or region=key` };
    }
    if (kmsKeyId !== undefined && !KEY_ID.test(kmsKeyId)) {
      return { kind: 'invalid', reason: `${TAGS.replicas}: the key of ${region} is not a KMS key id, ARN or alias` };
    }
    if (regions.some((r) => r.region === region)) {
      return { kind: 'invalid', reason: `${TAGS.replicas}: ${region} is listed twice` };
    }
    // The primary's own region is where the secret is: not a replica to want.
    if (region === primaryRegion) continue;
    regions.push(kmsKeyId ? { region, kmsKeyId } : { region });
  }
  return { kind: 'regions', regions };
};

const allows = (tags: Readonly<Record<string, string>>, tag: string) => tags[tag]?.trim().toLowerCase() === 'allow';

type ApprovalPolicy = 'required' | 'none';

/** `smcp:approval` when it says required or none, otherwise the stage default; anything unknown asks (fail closed). */
const approvalPolicy = (tags: Readonly<Record<string, string>>, stageDefault: string): ApprovalPolicy => {
  const tag = tags[TAGS.approval]?.trim().toLowerCase();
  if (tag === 'required' || tag === 'none') return tag;
  return stageDefault.trim().toLowerCase() === 'none' ? 'none' : 'required';
};

interface ReplicaPolicy {
  readonly desired: Desired;
  readonly overwrite: boolean;
  readonly kmsFallback: boolean;
  readonly prune: boolean;
  readonly approval: ApprovalPolicy;
  /** The stage's repair key per region (replicaKmsKeys). */
  readonly kmsKeys: Readonly<Record<string, string>>;
}

const policyOf = (
  tags: Readonly<Record<string, string>>,
  {
    primaryRegion,
    kmsKeys,
    approvalDefault,
  }: { primaryRegion: string; kmsKeys: Readonly<Record<string, string>>; approvalDefault: string },
): ReplicaPolicy => ({
  desired: desiredRegions(tags[TAGS.replicas], primaryRegion),
  overwrite: allows(tags, TAGS.overwrite),
  kmsFallback: allows(tags, TAGS.kmsFallback),
  prune: allows(tags, TAGS.prune),
  approval: approvalPolicy(tags, approvalDefault),
  kmsKeys,
});

type KmsKeysParam =
  | { readonly ok: true; readonly keys: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

/** The stage param replicaKmsKeys: a JSON object of region → key id. Empty means no repair keys. */
const parseKmsKeys = (text: string | undefined): KmsKeysParam => {
  if (text === undefined || text.trim() === '') return { ok: true, keys: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'replicaKmsKeys is not JSON (expected {"eu-west-1":"alias/app"})' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'replicaKmsKeys must be a JSON object of region to key id' };
  }
  const keys: Record<string, string> = {};
  for (const [region, key] of Object.entries(value)) {
    if (!REGION.test(region) || typeof key !== 'string' || !KEY_ID.test(key)) {
      return { ok: false, reason: `replicaKmsKeys: "${region.slice(0, 32)}" must map a region to a key id` };
    }
    keys[region] = key;
  }
  return { ok: true, keys };
};

/** Two key ids name the same key as far as ids tell: the default key has several spellings. */
const sameKey = (a: string | undefined, b: string | undefined) => {
  const norm = (k: string | undefined) => (k === undefined || k === '' || k === DEFAULT_KMS_KEY ? DEFAULT_KMS_KEY : k);
  return norm(a) === norm(b);
};

export type { ApprovalPolicy, Desired, DesiredRegion, KmsKeysParam, ReplicaPolicy };
export { approvalPolicy, DEFAULT_KMS_KEY, desiredRegions, parseKmsKeys, policyOf, REGION, sameKey, TAGS };
