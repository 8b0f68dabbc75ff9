// The strategy registry: the rotation workflow names a strategy per secret and gets its implementation here.
import { StrategyConfigError } from '../errors.ts';
import { postgresAlternatingUsers } from './postgres-alternating-users.ts';
import { postgresSingleUser } from './postgres-single-user.ts';
import { randomPassword } from './random-password.ts';
import type { RotationStrategy } from './types.ts';
import { webhook } from './webhook.ts';

const strategies = {
  'random-password': randomPassword,
  'postgres-single-user': postgresSingleUser,
  'postgres-alternating-users': postgresAlternatingUsers,
  webhook,
} as const satisfies Record<string, RotationStrategy>;

type StrategyName = keyof typeof strategies;

const strategyNames = Object.keys(strategies) as StrategyName[];

const isStrategyName = (name: string): name is StrategyName => Object.hasOwn(strategies, name);

const strategyFor = (name: string): RotationStrategy => {
  if (isStrategyName(name)) return strategies[name];
  throw new StrategyConfigError(`Unknown rotation strategy "${name}"; known strategies: ${strategyNames.join(', ')}`);
};

export type { StrategyName };
export { isStrategyName, strategyFor, strategyNames };
