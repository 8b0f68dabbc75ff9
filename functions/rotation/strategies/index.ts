// The strategy registry: the rotation workflow names a strategy per secret and gets its implementation here. Only the
// functions that run strategies (createPending, the target steps, remediation's diagnose) import this module: it
// loads every implementation, pg included. The list of names alone is ./names.ts.
import { StrategyConfigError } from '../errors.ts';
import { isStrategyName, type StrategyName, strategyNames } from './names.ts';
import { postgresAlternatingUsers } from './postgres-alternating-users.ts';
import { postgresSingleUser } from './postgres-single-user.ts';
import { randomPassword } from './random-password.ts';
import type { RotationStrategy } from './types.ts';
import { webhook } from './webhook.ts';

const strategies: Readonly<Record<StrategyName, RotationStrategy>> = {
  'random-password': randomPassword,
  'postgres-single-user': postgresSingleUser,
  'postgres-alternating-users': postgresAlternatingUsers,
  webhook,
};

const strategyFor = (name: string): RotationStrategy => {
  if (isStrategyName(name)) return strategies[name];
  throw new StrategyConfigError(`Unknown rotation strategy "${name}"; known strategies: ${strategyNames.join(', ')}`);
};

export type { StrategyName };
export { isStrategyName, strategyFor, strategyNames };
