// What each step accepts from the state machine (Parameters in statemachines/rotation.asl.yml). A mismatch is a bug
// in the definition: the parser's ParseError is not retried and routes to compensation.
import { z } from 'zod';

const id = z.string().min(1).max(2048);

const LockInput = z.object({ secretId: id, owner: id });
type LockInput = z.infer<typeof LockInput>;

const PlanStepInput = z.object({
  secretId: id,
  executionArn: id,
  detail: z
    .object({
      reason: z.string().max(1024).optional(),
      requestedBy: z.string().max(256).optional(),
      requestId: z.string().max(256).optional(),
    })
    .passthrough()
    .default({}),
});
type PlanStepInput = z.infer<typeof PlanStepInput>;

const RotationStepInput = z.object({ secretId: id, token: z.uuid(), strategy: id });
type RotationStepInput = z.infer<typeof RotationStepInput>;

const TARGET_OPERATIONS = ['setSecret', 'testPending', 'verifyCurrent', 'revertTarget', 'rollbackTarget'] as const;
const TargetStepInput = RotationStepInput.extend({
  operation: z.enum(TARGET_OPERATIONS),
  /** verifyCurrent: the version AWSCURRENT must be on (the token after promotion, the prior one after a roll back). */
  expectCurrent: id.optional(),
});
type TargetStepInput = z.infer<typeof TargetStepInput>;

const LABEL_OPERATIONS = ['promote', 'discardPending', 'rollback'] as const;
const LabelStepInput = z.object({
  secretId: id,
  token: z.uuid(),
  operation: z.enum(LABEL_OPERATIONS),
  priorVersionId: id.optional(),
});
type LabelStepInput = z.infer<typeof LabelStepInput>;

const ReportInput = z.object({ state: z.record(z.string(), z.unknown()), executionArn: id });
type ReportInput = z.infer<typeof ReportInput>;

export { LabelStepInput, LockInput, PlanStepInput, ReportInput, RotationStepInput, TargetStepInput };
