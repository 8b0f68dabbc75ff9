// The Secrets Manager emulator of the local cloud: a JsonService for local/server.ts, plus the hooks the local cloud
// and tests need (snapshot/restore for the data directory, replica fault injection, waiting for rotations).
import { deliveredAfterTheCall } from '../eventbridge/event.ts';
import { AwsError, type CallContext, DEFAULT_REGION, type JsonService, type OperationHandler } from '../protocol.ts';
import type { Store } from '../store/index.ts';
import { authorizeCall } from './authorize.ts';
import { backdateSecret } from './backdate.ts';
import { type Core, createCore, type RotationRequest, type SecretsManagerOptions } from './core.ts';
import { anythingDue, forgetDue } from './due.ts';
import { errors } from './errors.ts';
import { apiCallEvent, cloudTrailTime, type EventBridgeEvent } from './events.ts';
import { secretArn } from './lookup.ts';
import { createSecret } from './operations/create.ts';
import { deleteSecret, purgeDeleted, restoreSecret } from './operations/lifecycle.ts';
import { forgetListings, listSecrets, listSecretVersionIds } from './operations/list.ts';
import { batchGetSecretValue, describeSecret, getSecretValue } from './operations/read.ts';
import {
  removeRegionsFromReplication,
  replicateSecretToRegions,
  stopReplicationToReplica,
} from './operations/replication.ts';
import {
  deleteResourcePolicy,
  getResourcePolicy,
  putResourcePolicy,
  tagResource,
  untagResource,
  validateResourcePolicy,
} from './operations/resource.ts';
import { cancelRotateSecret, rotateSecret } from './operations/rotation.ts';
import { putSecretValue, updateSecret, updateSecretVersionStage } from './operations/write.ts';
import { getRandomPassword } from './password.ts';
import { createSecretsPersistence, type SecretsPersistence } from './persist.ts';
import { createWriteQuota } from './quota.ts';
import {
  clearFailure,
  type InjectOptions,
  injectFailure,
  type Placement,
  placeReplica,
  settleReplicas,
} from './replicas.ts';
import { isState, type ReplicaFailureKind, type SecretRecord } from './state.ts';

type Operation = (core: Core, input: Record<string, unknown>, ctx: CallContext) => unknown;

const OPERATIONS = {
  BatchGetSecretValue: { run: batchGetSecretValue, readOnly: true },
  CancelRotateSecret: { run: cancelRotateSecret, readOnly: false },
  CreateSecret: { run: createSecret, readOnly: false },
  DeleteResourcePolicy: { run: deleteResourcePolicy, readOnly: false },
  DeleteSecret: { run: deleteSecret, readOnly: false },
  DescribeSecret: { run: describeSecret, readOnly: true },
  GetRandomPassword: { run: getRandomPassword, readOnly: true },
  GetResourcePolicy: { run: getResourcePolicy, readOnly: true },
  GetSecretValue: { run: getSecretValue, readOnly: true },
  ListSecrets: { run: listSecrets, readOnly: true },
  ListSecretVersionIds: { run: listSecretVersionIds, readOnly: true },
  PutResourcePolicy: { run: putResourcePolicy, readOnly: false },
  PutSecretValue: { run: putSecretValue, readOnly: false },
  RemoveRegionsFromReplication: { run: removeRegionsFromReplication, readOnly: false },
  ReplicateSecretToRegions: { run: replicateSecretToRegions, readOnly: false },
  RestoreSecret: { run: restoreSecret, readOnly: false },
  RotateSecret: { run: rotateSecret, readOnly: false },
  StopReplicationToReplica: { run: stopReplicationToReplica, readOnly: false },
  TagResource: { run: tagResource, readOnly: false },
  UntagResource: { run: untagResource, readOnly: false },
  UpdateSecret: { run: updateSecret, readOnly: false },
  UpdateSecretVersionStage: { run: updateSecretVersionStage, readOnly: false },
  ValidateResourcePolicy: { run: validateResourcePolicy, readOnly: true },
} as const satisfies Record<string, { run: Operation; readOnly: boolean }>;

/** What CloudTrail keeps of a write's response: identifiers only, never values. Reads record null. */
const responseElementsOf = (operation: string, output: unknown): Record<string, unknown> | null => {
  const out = (output ?? {}) as { ARN?: unknown; Name?: unknown; DeletionDate?: unknown };
  if (typeof out.ARN !== 'string') return null;
  if (operation === 'DeleteSecret' && typeof out.DeletionDate === 'number') {
    return { name: out.Name, deletionDate: cloudTrailTime(new Date(out.DeletionDate * 1000)), arn: out.ARN };
  }
  return { arn: out.ARN };
};

const createSecretsManager = (options: SecretsManagerOptions) => {
  // Events count as changes too: a replication that settles says so (the sorted listings then go).
  let emitted = 0;
  // Set by attachStore(): from then on every change is written through before the operation answers.
  let persistence: SecretsPersistence | undefined;
  // While a call runs, the clock reads the instant the call began: one reading per call (it stamps LastAccessedDate
  // and CloudTrail's eventTime, and lets recovery windows end), and a call sees one instant throughout.
  let callTime: Date | undefined;
  const publish = deliveredAfterTheCall(
    options.emit,
    options.log ?? ((line: string) => console.error(line)),
    'secretsmanager',
  );
  const core = createCore({
    ...options,
    now: () => callTime ?? options.now(),
    emit: (event) => {
      emitted++;
      persistence?.noteEvent(event);
      publish(event);
    },
  });
  const quota = createWriteQuota(options.now);

  /** Lets the clock act: recovery windows end and replications settle. Runs before every call. */
  const tick = (time = core.now()) => {
    // The secrets are walked only when something is due (local/secretsmanager/due.ts), not on every call.
    if (!anythingDue(core)) return;
    const before = emitted;
    const purged = purgeDeleted(core, time);
    settleReplicas(core, time);
    forgetDue(core);
    // A purge emits no event: the call's write-through must still see the secrets that went.
    if (purged > 0) persistence?.changed();
    if (purged > 0 || emitted !== before) forgetListings(core);
  };

  const handler = (name: keyof typeof OPERATIONS): OperationHandler => {
    const { run, readOnly } = OPERATIONS[name];
    /** The call's CloudTrail record, answered or failed (made once per operation, not per call). */
    const record = (
      input: Record<string, unknown>,
      ctx: CallContext,
      time: Date,
      responseElements: Record<string, unknown> | null,
      error?: { code: string; message: string },
    ) => core.emit(apiCallEvent({ ctx, time, input, readOnly, responseElements, error }));

    const call = (input: Record<string, unknown>, ctx: CallContext, time: Date) => {
      persistence?.beginCall(name, readOnly, input, ctx.region);
      tick(time);
      try {
        // Inside the try: a throttled call is recorded in CloudTrail with its errorCode, as AWS records it.
        quota.admit(name, ctx.region, core.state.writeQuotaPerSecond);
        authorizeCall(core, name, input, ctx);
        const output = run(core, input, ctx);
        if (!readOnly) forgetListings(core, name);
        record(input, ctx, time, readOnly ? null : responseElementsOf(name, output));
        // Answered once what the call changed is on disk.
        const durable = persistence?.endCall(readOnly, output);
        return durable ? durable.then(() => output) : output;
      } catch (error) {
        if (!readOnly) forgetListings(core, name);
        // Failed calls are recorded too: that is how AccessDenied and friends reach detectors.
        const aws = error instanceof AwsError ? error : undefined;
        record(input, ctx, time, null, {
          code: aws?.type ?? 'InternalFailure',
          message: aws?.message ?? 'An internal error occurred in the local cloud.',
        });
        const durable = persistence?.endCall(readOnly, undefined);
        if (durable) {
          return durable.then(() => {
            throw error;
          });
        }
        throw error;
      }
    };

    return (input, ctx) => {
      // A call made from within another (an event's tap) has its own instant, and gives the outer one back.
      const outer = callTime;
      const time = options.now();
      callTime = time;
      try {
        return call(input, ctx, time);
      } finally {
        callTime = outer;
      }
    };
  };

  const service: JsonService = {
    targetPrefix: 'secretsmanager',
    signingName: 'secretsmanager',
    contentType: 'application/x-amz-json-1.1',
    errors,
    operations: Object.fromEntries(
      (Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[]).map((name) => [name, handler(name)]),
    ),
  };

  /** By primary ARN, any copy's ARN, or name (the primary's region wins when names repeat across regions). */
  const findSecret = (secretId: string, primaryRegion = DEFAULT_REGION): SecretRecord => {
    const secrets = Object.values(core.state.secrets);
    const byArn = secrets.find((secret) =>
      [secret.primaryRegion, ...Object.keys(secret.replicas)].some((r) => secretArn(secret, r) === secretId),
    );
    const named = secrets.filter((secret) => secret.name === secretId);
    const found = byArn ?? named.find((secret) => secret.primaryRegion === primaryRegion) ?? named[0];
    if (!found) throw new Error(`No secret ${secretId} in the Secrets Manager emulator`);
    return found;
  };

  return {
    service,
    tick: () => {
      tick();
      persistence?.changed();
    },
    /** Local only: an earlier CreatedDate and LastAccessedDate per region (`POST /_smcp/secrets/backdate`). */
    backdate: (input: Record<string, unknown>) => {
      forgetListings(core);
      const result = backdateSecret(core, input);
      persistence?.changed();
      return result;
    },
    /** A deep copy of the whole state, plain JSON. */
    snapshot: (): unknown => structuredClone(core.state),
    restore: (snapshot: unknown): void => {
      if (!isState(snapshot)) throw new Error('Not a Secrets Manager emulator snapshot');
      core.state = structuredClone(snapshot);
      forgetListings(core);
      void persistence?.adopt();
    },
    /**
     * Restores what the store holds from the last run (if anything) and writes every change through to it from now
     * on. Returns the promise of the current state being on disk.
     */
    attachStore: (store: Store): Promise<void> | undefined => {
      persistence = createSecretsPersistence(core, store);
      const saved = persistence.load();
      if (saved) core.state = saved;
      forgetListings(core);
      return persistence.adopt();
    },
    /**
     * The replica in `region` fails: now if it exists, otherwise when replication next reaches the region; with
     * `times`, only that many replications (then it clears). docs/local-cloud.md, "Replica faults".
     */
    injectReplicaFailure: (
      secretId: string,
      region: string,
      kind: ReplicaFailureKind,
      options: InjectOptions = {},
    ): void => {
      injectFailure(core, findSecret(secretId), region, kind, options);
      forgetListings(core);
      persistence?.changed();
    },
    clearReplicaFailure: (secretId: string, region: string): void => {
      clearFailure(core, findSecret(secretId), region);
      forgetListings(core);
      persistence?.changed();
    },
    /** Puts a replica in a state without replicating (and without service events): a scenario's starting point. */
    placeReplica: (secretId: string, placement: Placement, primaryRegion?: string): void => {
      placeReplica(core, findSecret(secretId, primaryRegion), placement);
      forgetListings(core);
      persistence?.changed();
    },
    /** The ARN of a secret by name (its primary in `primaryRegion`, default us-east-1) or ARN; throws if none. */
    findSecret: (secretId: string, primaryRegion?: string): string => {
      const secret = findSecret(secretId, primaryRegion);
      return secretArn(secret, secret.primaryRegion);
    },
    /** Opt-in Regions that are not enabled: replication into them fails. An empty list enables every Region. */
    setRegionsNotEnabled: (regions: readonly string[]): void => {
      if (regions.length === 0) delete core.state.regionsNotEnabled;
      else core.state.regionsNotEnabled = [...regions];
      persistence?.changed();
    },
    /** The shared write quota per Region (calls per second); undefined lifts it. */
    setWriteQuota: (perSecond: number | undefined): void => {
      if (perSecond === undefined) delete core.state.writeQuotaPerSecond;
      else core.state.writeQuotaPerSecond = perSecond;
      persistence?.changed();
    },
    /** The fault switches as they are now (GET /_smcp/secretsmanager/faults). */
    faults: () => ({
      replicaFailures: structuredClone(core.state.replicaFailures),
      regionsNotEnabled: [...(core.state.regionsNotEnabled ?? [])],
      writeQuotaPerSecond: core.state.writeQuotaPerSecond ?? null,
      throttled: quota.throttled(),
    }),
    /** Resolves once every rotation started so far has finished (RotateSecret answers before its lambda runs). */
    whenIdle: async (): Promise<void> => {
      while (core.background.size > 0) await Promise.allSettled([...core.background]);
    },
  };
};

type SecretsManagerEmulator = ReturnType<typeof createSecretsManager>;

export type { EventBridgeEvent, ReplicaFailureKind, RotationRequest, SecretsManagerEmulator, SecretsManagerOptions };
export { createSecretsManager };
