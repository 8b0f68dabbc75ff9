// The strategies a secret may name in `smcp:strategy`. Only the names: the plan and inspect steps check a tag against
// this list without loading the implementations (and pg with them); functions/rotation/strategies/index.ts maps each
// name to its implementation.
const strategyNames = ['random-password', 'postgres-single-user', 'postgres-alternating-users', 'webhook'] as const;
type StrategyName = (typeof strategyNames)[number];

const isStrategyName = (name: string): name is StrategyName => (strategyNames as readonly string[]).includes(name);

export type { StrategyName };
export { isStrategyName, strategyNames };
