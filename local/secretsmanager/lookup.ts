// Finds the copy of a secret that a request addresses: the request's region decides between the primary and a replica,
// and SecretId may be a name, a full ARN or a partial ARN (the ARN without its 6-character suffix).
import { randomInt } from 'node:crypto';
import { LOCAL_ACCOUNT } from '../protocol.ts';
import { markedForDeletion, notOnReplica, secretNotFound } from './errors.ts';
import type { SecretRecord, State } from './state.ts';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_KMS_KEY = 'alias/aws/secretsmanager';

interface Located {
  readonly secret: SecretRecord;
  /** The region of the copy addressed: the primary's, or a replica's. */
  readonly region: string;
  readonly isReplica: boolean;
  readonly arn: string;
}

const randomSuffix = () => Array.from({ length: 6 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');

const partialArn = (region: string, name: string) => `arn:aws:secretsmanager:${region}:${LOCAL_ACCOUNT}:secret:${name}`;
const secretArn = (secret: SecretRecord, region: string) => `${partialArn(region, secret.name)}-${secret.suffix}`;

/** Every copy that exists in a region: primaries there and replicas that reached it. */
const copiesIn = (state: State, region: string): Located[] => {
  const copies: Located[] = [];
  // The state is keyed by the primary's ARN: no ARN is rebuilt for primaries (ListSecrets walks every secret a page).
  for (const primaryArn in state.secrets) {
    const secret = state.secrets[primaryArn] as SecretRecord;
    if (secret.primaryRegion === region) {
      copies.push({ secret, region, isReplica: false, arn: primaryArn });
      continue;
    }
    // A replica exists in its region only once replication has written it there.
    if (secret.replicas[region]?.status === 'InSync') {
      copies.push({ secret, region, isReplica: true, arn: secretArn(secret, region) });
    }
  }
  return copies;
};

/** The ARN of the copy of `secret` in `region`, or undefined when it has none there (as copiesIn() decides). */
const copyArn = (secret: SecretRecord, primaryArn: string, region: string): string | undefined => {
  if (secret.primaryRegion === region) return primaryArn;
  return secret.replicas[region]?.status === 'InSync' ? secretArn(secret, region) : undefined;
};

/**
 * The copy a SecretId names: by ARN first, then by name, then by partial ARN, each in the order copiesIn() lists the
 * copies. Every call looks up its secret this way, so it walks the state without building the list.
 */
const find = (state: State, region: string, secretId: string): Located | undefined => {
  // A primary's full ARN is its key in the state: found without a walk (a DescribeSecret or TagResource of one secret
  // among 100,000 read all of them, twice with the policy check).
  const primary = Object.hasOwn(state.secrets, secretId) ? state.secrets[secretId] : undefined;
  if (primary?.primaryRegion === region) return { secret: primary, region, isReplica: false, arn: secretId };
  let named: Located | undefined;
  for (const primaryArn in state.secrets) {
    const secret = state.secrets[primaryArn] as SecretRecord;
    const arn = copyArn(secret, primaryArn, region);
    if (arn === undefined) continue;
    if (arn === secretId) return { secret, region, isReplica: secret.primaryRegion !== region, arn };
    if (named === undefined && secret.name === secretId) {
      named = { secret, region, isReplica: secret.primaryRegion !== region, arn };
    }
  }
  if (named !== undefined) return named;
  // A partial ARN is `arn:aws:secretsmanager:<region>:…`: nothing else can be one.
  if (!secretId.startsWith('arn:')) return undefined;
  for (const primaryArn in state.secrets) {
    const secret = state.secrets[primaryArn] as SecretRecord;
    const arn = copyArn(secret, primaryArn, region);
    if (arn !== undefined && partialArn(region, secret.name) === secretId) {
      return { secret, region, isReplica: secret.primaryRegion !== region, arn };
    }
  }
  return undefined;
};

interface Need {
  /** Writes are refused on a replica: they must go to the primary's region. */
  readonly primary?: boolean;
  /** Most operations refuse a secret scheduled for deletion. */
  readonly live?: boolean;
}

const locate = (state: State, region: string, secretId: string, need: Need = {}): Located => {
  const found = find(state, region, secretId);
  if (!found) throw secretNotFound();
  if (need.primary && found.isReplica) throw notOnReplica();
  if (need.live && found.secret.deletedDate !== undefined) throw markedForDeletion();
  return found;
};

const nameTaken = (state: State, region: string, name: string) =>
  copiesIn(state, region).some((c) => c.secret.name === name);

export type { Located };
export { copiesIn, DEFAULT_KMS_KEY, find, locate, nameTaken, randomSuffix, secretArn };
