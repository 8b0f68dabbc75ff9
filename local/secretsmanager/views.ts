// Response shapes: timestamps as epoch seconds (AWS JSON 1.1), optional members omitted rather than null.
import { DEFAULT_KMS_KEY, type Located, secretArn } from './lookup.ts';
import type { ReplicaRecord, SecretRecord } from './state.ts';

// Every read answers its version's CreatedDate: the same few timestamps, parsed once each.
const EPOCHS_KEPT = 4096;
const epochs = new Map<string, number>();

const epoch = (iso: string | undefined) => {
  if (iso === undefined) return undefined;
  let seconds = epochs.get(iso);
  if (seconds === undefined) {
    seconds = Date.parse(iso) / 1000;
    if (epochs.size >= EPOCHS_KEPT) epochs.clear();
    epochs.set(iso, seconds);
  }
  return seconds;
};

// Absent members stay absent on the wire, as AWS leaves them out. (A loop: every read's answer goes through here.)
const compact = (record: Record<string, unknown>) => {
  const out: Record<string, unknown> = {};
  for (const key in record) if (record[key] !== undefined) out[key] = record[key];
  return out;
};

const DAY_MS = 86_400_000;
// Every read stamps the day it happened: the text is made once a day, not once a read.
let lastDay = Number.NaN;
let lastDayText = '';

/** Midnight UTC: AWS records LastAccessedDate to the day. */
const dayOf = (date: Date) => {
  const day = Math.floor(date.getTime() / DAY_MS);
  if (day !== lastDay) {
    // An invalid date throws here, before anything is kept.
    lastDayText = `${date.toISOString().slice(0, 10)}T00:00:00.000Z`;
    lastDay = day;
  }
  return lastDayText;
};

const labelledVersions = (secret: SecretRecord) =>
  Object.fromEntries(secret.versions.filter((v) => v.stages.length > 0).map((v) => [v.versionId, [...v.stages]]));

const replicationStatus = (secret: SecretRecord) =>
  Object.values(secret.replicas).map((r: ReplicaRecord) =>
    compact({
      Region: r.region,
      KmsKeyId: r.kmsKeyId,
      Status: r.status,
      StatusMessage: r.statusMessage,
      LastAccessedDate: epoch(secret.lastAccessedDate[r.region]),
    }),
  );

const tagsOf = (secret: SecretRecord) => (secret.tags.length > 0 ? secret.tags.map((t) => ({ ...t })) : undefined);

const owningService = (secret: SecretRecord) =>
  secret.tags.find((t) => t.Key === 'aws:secretsmanager:owningService')?.Value;

const common = (at: Located) => {
  const { secret } = at;
  const replicated = at.isReplica || Object.keys(secret.replicas).length > 0;
  const rotation = secret.rotation;
  const kmsKeyId = at.isReplica ? secret.replicas[at.region]?.kmsKeyId : secret.kmsKeyId;
  return {
    ARN: at.arn,
    Name: secret.name,
    Description: secret.description,
    KmsKeyId: kmsKeyId === DEFAULT_KMS_KEY ? undefined : kmsKeyId,
    RotationEnabled: rotation?.enabled,
    RotationLambdaARN: rotation?.lambdaArn,
    RotationRules: rotation?.rules,
    LastRotatedDate: epoch(rotation?.lastRotatedDate),
    LastChangedDate: epoch(secret.lastChangedDate),
    LastAccessedDate: epoch(secret.lastAccessedDate[at.region]),
    DeletedDate: epoch(secret.deletedDate),
    NextRotationDate: rotation?.enabled ? epoch(rotation.nextRotationDate) : undefined,
    Tags: tagsOf(secret),
    OwningService: owningService(secret),
    CreatedDate: epoch(secret.createdDate),
    PrimaryRegion: replicated ? secret.primaryRegion : undefined,
  };
};

const describeView = (at: Located) =>
  compact({
    ...common(at),
    VersionIdsToStages: labelledVersions(at.secret),
    // Only the primary reports its replicas.
    ReplicationStatus:
      !at.isReplica && Object.keys(at.secret.replicas).length > 0 ? replicationStatus(at.secret) : undefined,
  });

const listEntryView = (at: Located) => compact({ ...common(at), SecretVersionsToStages: labelledVersions(at.secret) });

/** `{ARN, Name, ...}` plus ReplicationStatus when the secret has replicas, as CreateSecret and friends answer. */
const shortView = (secret: SecretRecord, region: string, extra: Record<string, unknown> = {}) =>
  compact({
    ARN: secretArn(secret, region),
    Name: secret.name,
    ...extra,
    ReplicationStatus: Object.keys(secret.replicas).length > 0 ? replicationStatus(secret) : undefined,
  });

export { compact, dayOf, describeView, epoch, listEntryView, replicationStatus, shortView };
