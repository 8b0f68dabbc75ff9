// The read-spike area's resource names as the local cloud resolved them from serverless.yml, looked up by the
// logical id or function key the area's yml gives them: tests never spell out `smcp-<stage>-…`.
import type { LocalStack } from '../../local/stack/build.ts';
import { functionNamed, queueNamed } from '../../scripts/cli/stack.ts';

/** serverless/reads.yml's resources (and the service-wide dead-letter queue ingest-reads parks records in). */
const readsNames = (stack: LocalStack) => ({
  /** The read counters (reads/) and the detectors object (detectors/). */
  stateBucket: stack.buckets.find((b) => b.logicalId === 'ReadStateBucket')?.name ?? 'no ReadStateBucket',
  readLogFilesQueue: queueNamed(stack, 'ReadLogFilesQueue'),
  readLogFilesDeadLetterQueue: queueNamed(stack, 'ReadLogFilesDeadLetterQueue'),
  /** The read trail's bucket (its log files). */
  trailBucket: stack.buckets.find((b) => b.logicalId === 'ReadTrailBucket')?.name ?? 'no ReadTrailBucket',
  deadLetterQueue: queueNamed(stack, 'DeadLetterQueue'),
  /** The approvals area's decision function, which a waiting quarantine's approval goes to. */
  approveFunction: functionNamed(stack, 'approve'),
});

export { readsNames };
