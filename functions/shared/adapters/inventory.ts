// The secret inventory, one ListSecrets page at a time, for the scans that walk every secret (replica repair,
// cleanup). A page carries what ListSecrets returns about each secret — names, dates, tags, primary region, owning
// service — never a value; DescribeSecret is asked only for the few secrets whose replicas matter
// (`replication()`), because ListSecrets does not return ReplicationStatus.
import {
  DescribeSecretCommand,
  type Filter,
  ListSecretsCommand,
  type SecretListEntry,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

/** What a scan may know of a secret without reading it. Dates are ISO strings (state machine payloads are JSON). */
interface SecretSummary {
  readonly arn: string;
  readonly name: string;
  readonly createdDate?: string;
  /** Day resolution, in the primary region; absent when never read there. */
  readonly lastAccessedDate?: string;
  readonly lastChangedDate?: string;
  /** Set when the secret is scheduled for deletion. */
  readonly deletedDate?: string;
  /** The primary's region: a secret listed with another PrimaryRegion is a replica. */
  readonly primaryRegion?: string;
  /** Secrets another AWS service manages (RDS, …): not ours to change. */
  readonly owningService?: string;
  readonly rotationEnabled: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

interface InventoryPage {
  readonly secrets: readonly SecretSummary[];
  /** Absent on the last page. */
  readonly nextToken?: string;
}

interface ReplicaStatus {
  readonly region: string;
  readonly kmsKeyId?: string;
  readonly status: 'InSync' | 'Failed' | 'InProgress' | string;
  readonly statusMessage?: string;
  /** Day resolution, in the replica's region; absent when never read there. */
  readonly lastAccessedDate?: string;
}

interface SecretInventory {
  /** One page of at most `maxResults` (1–100) secrets, including those scheduled for deletion when asked. */
  page(request: {
    nextToken?: string;
    maxResults?: number;
    filters?: readonly Filter[];
    includePlannedDeletion?: boolean;
  }): Promise<InventoryPage>;
  /** The secret's replicas as DescribeSecret reports them (empty when it has none). */
  replication(secretId: string): Promise<readonly ReplicaStatus[]>;
}

const isoOf = (date: Date | undefined) => (date ? new Date(date).toISOString() : undefined);

const summaryOf = (entry: SecretListEntry): SecretSummary => {
  const tags: Record<string, string> = {};
  for (const { Key, Value } of entry.Tags ?? []) if (Key !== undefined) tags[Key] = Value ?? '';
  const optional = {
    createdDate: isoOf(entry.CreatedDate),
    lastAccessedDate: isoOf(entry.LastAccessedDate),
    lastChangedDate: isoOf(entry.LastChangedDate),
    deletedDate: isoOf(entry.DeletedDate),
    primaryRegion: entry.PrimaryRegion,
    owningService: entry.OwningService,
  };
  return {
    arn: entry.ARN ?? '',
    name: entry.Name ?? '',
    rotationEnabled: entry.RotationEnabled === true,
    tags,
    // Absent, not undefined: the summary goes into a state machine payload as JSON.
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
};

const createSecretInventory = ({ client }: { client: SecretsManagerClient }): SecretInventory => ({
  async page({ nextToken, maxResults = 100, filters, includePlannedDeletion = false }) {
    const out = await client.send(
      new ListSecretsCommand({
        MaxResults: maxResults,
        ...(nextToken ? { NextToken: nextToken } : {}),
        ...(filters?.length ? { Filters: [...filters] } : {}),
        ...(includePlannedDeletion ? { IncludePlannedDeletion: true } : {}),
      }),
    );
    return {
      secrets: (out.SecretList ?? []).map(summaryOf),
      ...(out.NextToken ? { nextToken: out.NextToken } : {}),
    };
  },

  async replication(secretId) {
    const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return (out.ReplicationStatus ?? []).map((replica) => ({
      region: replica.Region ?? '',
      status: replica.Status ?? 'InProgress',
      ...(replica.KmsKeyId ? { kmsKeyId: replica.KmsKeyId } : {}),
      ...(replica.StatusMessage ? { statusMessage: replica.StatusMessage } : {}),
      ...(replica.LastAccessedDate ? { lastAccessedDate: new Date(replica.LastAccessedDate).toISOString() } : {}),
    }));
  },
});

export type { InventoryPage, ReplicaStatus, SecretInventory, SecretSummary };
export { createSecretInventory };
