// Quarantine The Principal: a Deny for the suspect, merged into the secret's resource policy. The suspect was checked
// when the spike was assessed; it is checked again here, because nothing is trusted because the input says so.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretPolicies } from '../adapters/secrets.ts';
import { addQuarantine } from '../domain/quarantine.ts';
import { canQuarantine } from '../domain/response.ts';
import { QuarantineRefusedError } from '../errors.ts';
import type { QuarantineInput } from '../schemas.ts';

interface QuarantineDeps {
  readonly secrets: Pick<SecretPolicies, 'getPolicy' | 'putPolicy'>;
  readonly logger: Logger;
}

const createQuarantine = ({ secrets, logger }: QuarantineDeps) => {
  return async (input: QuarantineInput) => {
    if (!canQuarantine(input.principal)) {
      throw new QuarantineRefusedError(`${input.principal} cannot be named in a resource policy Deny safely`);
    }
    const current = await secrets.getPolicy(input.secretId);
    await secrets.putPolicy(input.secretId, addQuarantine(current, input.principal));
    logger.warn('Principal quarantined', { secretId: input.secretId, principal: input.principal });
    return { secretId: input.secretId, quarantined: input.principal, hadPolicy: current !== undefined };
  };
};

export type { QuarantineDeps };
export { createQuarantine };
