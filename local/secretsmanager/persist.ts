// Write-through of the Secrets Manager emulator's state to the local cloud's store: each secret is one row (the whole
// SecretRecord as JSON, so any field an operation adds is kept), the rest of the state one row per member. A call
// writes only the secrets it can have changed — the one its SecretId names (looked up before and after the call: a
// replica promoted by StopReplicationToReplica leaves its primary changed under another key) and those its answer
// names — and looks for secrets that appeared or disappeared only after the operations that add or remove one: with
// 100,000 secrets, writing (or even serialising) all of them after every call made each write cost a full pass.
// A read changes nothing but the LastAccessedDate stamps (once a day), so it writes a secret only when a stamp moved.
// Anything the clock or a background rotation changes shows up as an event (ReplicationSucceeded, RotationSucceeded,
// …) or a purge, and triggers a full pass.
import type { Store } from '../store/index.ts';
import { createRows } from '../store/rows.ts';
import type { Core } from './core.ts';
import type { EventBridgeEvent } from './events.ts';
import { find, secretArn } from './lookup.ts';
import { createState, type SecretRecord, type State } from './state.ts';

const SECRET = 'secretsmanager.secret';
const MEMBER = 'secretsmanager.state';

const arnsIn = (output: unknown): string[] => {
  const out = (output ?? {}) as { ARN?: unknown; SecretValues?: unknown };
  const arns = typeof out.ARN === 'string' ? [out.ARN] : [];
  if (Array.isArray(out.SecretValues)) {
    for (const value of out.SecretValues) {
      const arn = (value as { ARN?: unknown } | null)?.ARN;
      if (typeof arn === 'string') arns.push(arn);
    }
  }
  return arns;
};

// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>`: the fourth field (found, not split: every read
// answered passes here).
const regionOf = (arn: string) => {
  let at = -1;
  for (let field = 0; field < 3; field++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return '';
  }
  const end = arn.indexOf(':', at + 1);
  return end < 0 ? arn.slice(at + 1) : arn.slice(at + 1, end);
};

/** The write operations that can add, remove or replace a secret under its key; the others change one in place. */
const MEMBERSHIP = new Set(['CreateSecret', 'DeleteSecret', 'StopReplicationToReplica']);

/** What a read can change: the LastAccessedDate stamps of the secret (per region) and of its versions. */
const stampsOf = (secret: SecretRecord): string => {
  let stamps = '';
  for (const region in secret.lastAccessedDate) stamps += `${region}=${secret.lastAccessedDate[region]};`;
  for (const version of secret.versions) stamps += `${version.lastAccessedDate ?? ''};`;
  return stamps;
};

/** The call a persistence is told about (beginCall): what it may write afterwards. */
interface Call {
  readonly operation: string;
  readonly region: string;
  readonly secretId: string | undefined;
  /** The secret the SecretId named before the call ran. */
  readonly before: SecretRecord | undefined;
}

const createSecretsPersistence = (core: Core, store: Store) => {
  const secrets = createRows(store, SECRET);
  // A read waits for an earlier write of a secret it returns (endCall), so the store keeps account of these rows.
  store.watch(SECRET);
  const members = createRows(store, MEMBER);
  /** The objects last written, by primary ARN: a different object under a key is a replaced secret. */
  let written = new Map<string, SecretRecord>();
  /** The LastAccessedDate stamps of each secret as last written: a read that moved none writes nothing. */
  const stamped = new Map<string, string>();
  let call: Call | undefined;
  let inCall = false;
  let eventful = false;
  let scheduled = false;
  /** Rows this emulator wrote since the last commit it asked for. */
  let wrote = 0;

  const writeSecret = (key: string, secret: SecretRecord) => {
    written.set(key, secret);
    stamped.set(key, stampsOf(secret));
    if (secrets.write(key, secret)) wrote++;
  };

  /**
   * Commits when this emulator wrote something, and only then: the store may also hold rows other emulators changed in
   * passing (a read's CloudTrail event queued for the read pipeline), which go with their own commit on the next turn
   * and need not hold up this answer, nor cost a hand-over to the writer per read.
   */
  const commit = (): Promise<void> | undefined => {
    if (wrote === 0) return undefined;
    wrote = 0;
    return store.commit();
  };

  /** Secrets that appeared, disappeared or were replaced since the last pass: cheap, no serialising. */
  const syncMembership = () => {
    const current = core.state.secrets;
    for (const key in current) {
      const secret = current[key];
      if (secret && written.get(key) !== secret) writeSecret(key, secret);
    }
    if (written.size !== Object.keys(current).length) {
      for (const key of [...written.keys()]) {
        if (!Object.hasOwn(current, key)) {
          written.delete(key);
          stamped.delete(key);
          secrets.drop(key);
          wrote++;
        }
      }
    }
  };

  const syncMembers = () => {
    for (const [member, value] of Object.entries(core.state)) {
      if (member !== 'secrets' && members.write(member, value)) wrote++;
    }
  };

  const syncAll = () => {
    syncMembership();
    for (const [key, secret] of Object.entries(core.state.secrets)) writeSecret(key, secret);
    syncMembers();
  };

  // The state is keyed by primary ARN.
  const keyOf = (secret: SecretRecord) => {
    const key = secretArn(secret, secret.primaryRegion);
    return core.state.secrets[key] === secret ? key : undefined;
  };

  const named = (region: string, secretId: string | undefined) =>
    secretId === undefined ? undefined : find(core.state, region, secretId)?.secret;

  /** The secrets the answer names (by ARN): a read's values, a write's result. */
  const answered = (output: unknown) => arnsIn(output).map((arn) => find(core.state, regionOf(arn), arn)?.secret);

  /** After a write: the secret its SecretId named, before and after, and those its answer names. */
  const writeTouched = (current: Call, output: unknown) => {
    if (MEMBERSHIP.has(current.operation)) syncMembership();
    for (const secret of [current.before, named(current.region, current.secretId), ...answered(output)]) {
      const key = secret && keyOf(secret);
      if (secret && key) writeSecret(key, secret);
    }
    syncMembers();
  };

  /** Background changes (a rotation finishing, the clock settling a replica) are written on the next turn. */
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      syncAll();
      void commit();
    });
  };

  return {
    /** The state the last run left, or undefined when it left none. */
    load: (): State | undefined => {
      const saved = secrets.saved();
      const rest = members.saved();
      if (saved.length === 0 && rest.length === 0) return undefined;
      const state = { ...createState(), ...Object.fromEntries(rest) } as State;
      state.secrets = Object.fromEntries(saved) as Record<string, SecretRecord>;
      return state;
    },
    /** After a restore: what is in memory now is what has been written. */
    adopt: () => {
      written = new Map(Object.entries(core.state.secrets));
      syncAll();
      return commit();
    },
    /** Sees every event the emulator emits: one that is not an API call's record means state changed. */
    noteEvent: (event: EventBridgeEvent) => {
      if ((event.detail as { eventType?: unknown } | undefined)?.eventType === 'AwsApiCall') return;
      if (inCall) eventful = true;
      else schedule();
    },
    /** A call begins: for a write, `input` and `region` say which secret it can change (its SecretId). */
    beginCall: (operation: string, readOnly: boolean, input: Record<string, unknown>, region: string) => {
      inCall = true;
      eventful = false;
      const secretId = !readOnly && typeof input.SecretId === 'string' ? input.SecretId : undefined;
      call = { operation, region, secretId, before: named(region, secretId) };
    },
    /**
     * Writes what the call changed and returns the promise of it being on disk, or undefined when the answer may go
     * at once. A read also waits for an earlier write of a secret it returns that is not on disk yet.
     */
    endCall: (readOnly: boolean, output: unknown): Promise<void> | undefined => {
      inCall = false;
      const current = call;
      call = undefined;
      if (eventful || !current) {
        syncAll();
        return commit();
      }
      if (!readOnly) {
        writeTouched(current, output);
        return commit();
      }
      // Nearly always one secret: a list, not a set (a key twice only waits twice for the same write).
      const touched: string[] = [];
      for (const secret of answered(output)) {
        const key = secret && keyOf(secret);
        if (!secret || !key) continue;
        // A read stamps LastAccessedDate and nothing else: unless a stamp moved, the row on disk is this secret.
        if (written.get(key) !== secret || stamped.get(key) !== stampsOf(secret)) writeSecret(key, secret);
        touched.push(key);
      }
      const durable = commit();
      if (durable) return durable;
      const waits: Promise<void>[] = [];
      for (const key of touched) {
        const pending = secrets.pending(key);
        if (pending) waits.push(pending);
      }
      return waits.length > 0 ? Promise.all(waits).then(() => {}) : undefined;
    },
    /** After something outside an operation changed the state (test hooks, the clock's tick). */
    changed: () => {
      if (inCall) eventful = true;
      else schedule();
    },
  };
};

type SecretsPersistence = ReturnType<typeof createSecretsPersistence>;

export type { SecretsPersistence };
export { createSecretsPersistence };
