// What the verification and remediation steps accept from their state machines (statemachines/rotation-
// verification.asl.yml, rotation-remediation.asl.yml). A mismatch is a bug in the definition: ParseError is not retried.
import { z } from 'zod';

const id = z.string().min(1).max(2048);

const InspectInput = z.object({
  secretArn: id,
  trigger: z
    .object({ time: z.string().max(64).optional() })
    .passthrough()
    .default({}),
  detail: z
    .object({ versionId: z.string().max(64).optional() })
    .passthrough()
    .default({}),
});
type InspectInput = z.infer<typeof InspectInput>;

const MarkRollbackInput = z.object({ secretId: id, fromVersionId: z.string().min(1).max(64) });
type MarkRollbackInput = z.infer<typeof MarkRollbackInput>;

const DiagnoseInput = z.object({
  secretArn: id,
  detail: z
    .object({ eventName: z.string().max(64).optional(), errorMessage: z.string().max(4096).optional() })
    .passthrough()
    .default({}),
});
type DiagnoseInput = z.infer<typeof DiagnoseInput>;

const AftercareReportInput = z.object({
  workflow: z.enum(['rotation-remediation', 'rotation-verification']),
  state: z.record(z.string(), z.unknown()),
  executionArn: id,
});
type AftercareReportInput = z.infer<typeof AftercareReportInput>;

export { AftercareReportInput, DiagnoseInput, InspectInput, MarkRollbackInput };
