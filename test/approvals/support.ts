// What the approvals tests share. Names come from the resolved stack, as the handlers get them: a test never spells
// `smcp/<stage>/…` itself.
import type { TestCloud } from '../support/local-cloud.ts';

/** The Secrets Manager id a handler reads from the environment variable `variable` (serverless/approvals.yml). */
const secretIdOf = (t: TestCloud, variable: string): string => {
  const secretId = t.cloud.stack.environment[variable];
  if (!secretId) throw new Error(`No function in the stack sets ${variable}`);
  return secretId;
};

export { secretIdOf };
