// Quarantine The Principal: a Deny for the suspect, merged into the secret's resource policy. The suspect was checked
// when the spike was assessed; it is checked again here, because nothing is trusted because the input says so.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretPolicies } from '../adapters/secrets.ts';
import { addQuarantine, MAX_POLICY_CHARS, quarantineRefusal } from '../domain/quarantine.ts';
import { QuarantineRefusedError } from '../errors.ts';
import type { QuarantineInput } from '../schemas.ts';

interface QuarantineDeps {
  readonly secrets: Pick<SecretPolicies, 'getPolicy' | 'putPolicy'>;
  readonly logger: Logger;
}

const createQuarantine = ({ secrets, logger }: QuarantineDeps) => {
  return async (input: QuarantineInput) => {
    const refusal = quarantineRefusal(input.principal);
    if (refusal) throw new QuarantineRefusedError(refusal);
    const current = await secrets.getPolicy(input.secretId);
    const policy = addQuarantine(current, input.principal);
    // Secrets Manager would refuse it with a validation error, which retrying cannot fix: a human decides instead.
    if (policy.length > MAX_POLICY_CHARS) {
      throw new QuarantineRefusedError(
        `quarantining ${input.principal} would make the resource policy of ${input.secretId} longer than ${MAX_POLICY_CHARS} characters`,
      );
    }
    await secrets.putPolicy(input.secretId, policy);
    logger.warn('Principal quarantined', { secretId: input.secretId, principal: input.principal });
    return { secretId: input.secretId, quarantined: input.principal, hadPolicy: current !== undefined };
  };
};

export type { QuarantineDeps };
export { createQuarantine };
