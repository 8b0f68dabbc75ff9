// The rotation area's boundaries: the events that start its workflows. Zod only (the dispatcher imports this file).
import { z } from 'zod';
import { SecretRef } from '../shared/schemas.ts';

/** `smcp` / `Rotation Requested`: from `smcp rotate`, a schedule, the anomaly response or remediation. */
const RotationRequestedDetail = z.object({
  secretId: SecretRef,
  reason: z.string().max(1024).optional(),
  requestedBy: z.string().max(512).optional(),
  requestId: z.string().max(128).optional(),
});
type RotationRequestedDetail = z.infer<typeof RotationRequestedDetail>;

/** `aws.secretsmanager` / `Secret Label Updated`: a staging label moved (the rule asks for AWSCURRENT). */
const LabelUpdatedDetail = z.object({
  name: SecretRef,
  labelUpdated: z.literal('AWSCURRENT'),
  versionId: z.string().min(1),
});
type LabelUpdatedDetail = z.infer<typeof LabelUpdatedDetail>;

export { LabelUpdatedDetail, RotationRequestedDetail };
