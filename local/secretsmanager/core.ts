// What every operation shares: the state, the injected clock, the event sink and the rotation hook.
import type { EventBridgeEvent } from './events.ts';
import { labelUpdatedEvent } from './events.ts';
import type { Located } from './lookup.ts';
import { createState, type State } from './state.ts';
import type { StageChange } from './versions.ts';

type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

interface RotationRequest {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

interface SecretsManagerOptions {
  /** The clock: tests advance it instead of sleeping. */
  readonly now: () => Date;
  readonly emit: (event: EventBridgeEvent) => void;
  /** Stands in for invoking the rotation Lambda; rejecting fails the rotation at that step. */
  readonly invokeRotation?: (lambdaArn: string, request: RotationRequest) => Promise<void>;
  /** Where an event the sink refused is reported (default: stderr). */
  readonly log?: (line: string) => void;
}

interface Core {
  state: State;
  readonly now: () => Date;
  readonly emit: (event: EventBridgeEvent) => void;
  readonly invokeRotation: SecretsManagerOptions['invokeRotation'];
  /** Work that outlives the call (rotation): whenIdle() waits for it. */
  readonly background: Set<Promise<void>>;
}

const createCore = (options: SecretsManagerOptions): Core => ({
  state: createState(),
  now: options.now,
  emit: options.emit,
  invokeRotation: options.invokeRotation,
  background: new Set(),
});

const iso = (core: Core) => core.now().toISOString();

/** Emits "Secret Label Updated" when AWSCURRENT moved: from the primary's region, as the change happens there. */
const announce = (core: Core, at: Located, change: StageChange) => {
  if (change.currentMovedTo === undefined) return;
  core.emit(labelUpdatedEvent(at.region, core.now(), at.arn, at.secret.name, change.currentMovedTo));
};

export type { Core, RotationRequest, RotationStep, SecretsManagerOptions };
export { announce, createCore, iso };
