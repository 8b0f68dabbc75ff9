// Find Candidates: one ListSecrets page of the scan (or the one secret asked about), and of it only the secrets worth a
// closer look — those with replicas or an smcp:replicas tag whose plan asks for something. DescribeSecret is called
// only for secrets ListSecrets shows replicated (PrimaryRegion set to this region); a tagged secret without replicas
// is planned from its tags alone. Replicas of other regions' primaries are left to the primary's region. A secret with
// an escalation on record that the page finds in sync was fixed by hand: its record is forgotten, so the failure, if it
// comes back, is told at once (adapters/escalations.ts; a repair by the workflow forgets it in Report The Repair).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretInventory, SecretSummary } from '../../shared/adapters/inventory.ts';
import type { EscalationLog } from '../adapters/escalations.ts';
import type { Replication } from '../adapters/replication.ts';
import { needsAttention, planReplicas } from '../domain/plan.ts';
import { policyOf, TAGS } from '../domain/policy.ts';
import { fits, PAGE_SIZE } from '../domain/scan.ts';
import { ReplicaSecretNotFoundError } from '../errors.ts';
import type { Candidate, CandidatesPage, FindCandidatesInput, ReplicaRow, ScanInfo, ScanRequest } from '../schemas.ts';

interface FindCandidatesDeps {
  readonly inventory: Pick<SecretInventory, 'page'>;
  readonly replication: Pick<Replication, 'describe'>;
  readonly escalations: Pick<EscalationLog, 'recorded' | 'clear'>;
  readonly logger: Logger;
  /** The stack's region: primaries here are ours to repair. */
  readonly region: string;
  readonly kmsKeys: () => Readonly<Record<string, string>>;
  readonly approvalDefault: string;
}

const detailField = (detail: unknown, field: string): unknown =>
  detail !== null && typeof detail === 'object' ? (detail as Record<string, unknown>)[field] : undefined;

/** Who asked, as the trigger says (a rule, the CLI), for logs and the approval request. */
const requesterOf = (request: ScanRequest): string => {
  const by = detailField(request.detail, 'requestedBy');
  if (typeof by === 'string' && by.trim() !== '') return by.trim().slice(0, 256);
  return `replica-repair (${request.trigger?.rule ?? 'direct'})`;
};

/** The scan as every step sees it, from whatever started the execution. */
const scanOf = (request: ScanRequest, executionName: string): ScanInfo => {
  const asked = request.secretId ?? detailField(request.detail, 'secretId');
  const dryRun = request.dryRun === true || detailField(request.detail, 'dryRun') === true;
  return {
    id: request.scan?.id ?? executionName,
    sequence: request.scan?.sequence ?? 0,
    dryRun,
    mode: typeof asked === 'string' && asked !== '' ? 'one' : 'all',
    ...(typeof asked === 'string' && asked !== '' ? { secretId: asked } : {}),
    requestedBy: requesterOf(request),
  };
};

const notFoundRow = (secretId: string): ReplicaRow => ({
  secretId,
  name: secretId,
  region: '*',
  statusBefore: '-',
  action: 'none',
  statusAfter: '-',
  outcome: 'not-found',
  reason: 'the secret does not exist in this region',
});

const createFindCandidatesStep = ({
  inventory,
  replication,
  escalations,
  logger,
  region,
  kmsKeys,
  approvalDefault,
}: FindCandidatesDeps) => {
  const policyFor = (tags: Readonly<Record<string, string>>) =>
    policyOf(tags, { primaryRegion: region, kmsKeys: kmsKeys(), approvalDefault });

  const one = async (scan: ScanInfo & { secretId: string }): Promise<CandidatesPage> => {
    try {
      const secret = await replication.describe(scan.secretId);
      const replicaHere = secret.primaryRegion !== undefined && secret.primaryRegion !== region;
      if (secret.deleted || replicaHere) {
        const why = secret.deleted
          ? 'the secret is scheduled for deletion'
          : `a replica: its primary is in ${secret.primaryRegion}`;
        return {
          scan,
          candidates: [],
          rows: [{ ...notFoundRow(secret.arn), name: secret.name, outcome: 'skipped', reason: why }],
          listed: 0,
          described: 1,
        };
      }
      // Asked about by name: looked at whatever its state, so the report shows every region.
      return { scan, candidates: [{ secretId: secret.arn, name: secret.name }], rows: [], listed: 0, described: 1 };
    } catch (error) {
      if (!(error instanceof ReplicaSecretNotFoundError)) throw error;
      return { scan, candidates: [], rows: [notFoundRow(scan.secretId)], listed: 0, described: 1 };
    }
  };

  /** Replicated here, or wanting replicas; not a replica of another region's primary, not another service's. */
  const mayWant = (s: SecretSummary) =>
    s.owningService === undefined &&
    s.deletedDate === undefined &&
    (s.primaryRegion === region || (s.primaryRegion === undefined && s.tags[TAGS.replicas] !== undefined));

  const page = async (input: FindCandidatesInput, scan: ScanInfo): Promise<CandidatesPage> => {
    const cursor = input.progress.cursor ?? (input.progress.pages === 0 ? input.request.scan?.cursor : undefined);
    const listed = await inventory.page({
      maxResults: PAGE_SIZE,
      ...(cursor?.nextToken ? { nextToken: cursor.nextToken } : {}),
    });
    const entries = listed.secrets.slice(cursor?.offset ?? 0);
    const candidates: Candidate[] = [];
    const taken = { items: 0, rows: 0 };
    let described = 0;
    let consumed = 0;
    const onRecord = entries.some(mayWant) && !scan.dryRun ? await escalations.recorded() : new Set<string>();
    const healed: string[] = [];
    for (const secret of entries) {
      if (mayWant(secret)) {
        const replicas = secret.primaryRegion === undefined ? [] : (await replication.describe(secret.arn)).replicas;
        if (secret.primaryRegion !== undefined) described++;
        const plan = planReplicas({ primaryRegion: region, replicas, policy: policyFor(secret.tags) });
        if (needsAttention(plan)) {
          if (!fits({ items: input.progress.items, rows: input.progress.rows }, taken, plan.regions.length)) break;
          candidates.push({ secretId: secret.arn, name: secret.name });
          taken.items++;
          taken.rows += Math.max(1, plan.regions.length);
        } else if (onRecord.has(secret.arn)) {
          await escalations.clear(secret.arn);
          healed.push(secret.arn);
        }
      }
      consumed++;
    }
    if (healed.length > 0) logger.info('Replica escalations forgotten: in sync again', { scanId: scan.id, healed });
    const offset = (cursor?.offset ?? 0) + consumed;
    // Stopped inside the page: the next call lists the same page again and skips what is done.
    const next =
      consumed < entries.length
        ? { ...(cursor?.nextToken ? { nextToken: cursor.nextToken } : {}), offset }
        : listed.nextToken
          ? { nextToken: listed.nextToken, offset: 0 }
          : undefined;
    logger.info('Inventory page scanned', {
      scanId: scan.id,
      page: input.progress.pages,
      listed: listed.secrets.length,
      described,
      candidates: candidates.length,
      more: next !== undefined,
    });
    return { scan, candidates, rows: [], listed: consumed, described, ...(next ? { cursor: next } : {}) };
  };

  return async (input: FindCandidatesInput): Promise<CandidatesPage> => {
    const scan = scanOf(input.request, input.executionName);
    if (scan.mode === 'one' && scan.secretId !== undefined) return one({ ...scan, secretId: scan.secretId });
    return page(input, scan);
  };
};

export type { FindCandidatesDeps };
export { createFindCandidatesStep, scanOf };
