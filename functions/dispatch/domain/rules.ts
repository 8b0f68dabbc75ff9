// The rule files (events/rules/*.json), bundled into the dispatcher: what each rule starts is read from its file, so
// the file is the one place a rule's workflow, source, detail-type and detail schema are written. This list only
// names the files; a test fails when a file in events/rules/ is missing from it.
import cleanupScan from '../../../events/rules/cleanup-scan.json' with { type: 'json' };
import currentLabelMoved from '../../../events/rules/current-label-moved.json' with { type: 'json' };
import detectSpikes from '../../../events/rules/detect-spikes.json' with { type: 'json' };
import executionFailed from '../../../events/rules/execution-failed.json' with { type: 'json' };
import readLogFiles from '../../../events/rules/read-log-files.json' with { type: 'json' };
import readSpikeDetected from '../../../events/rules/read-spike-detected.json' with { type: 'json' };
import replicaDriftScan from '../../../events/rules/replica-drift-scan.json' with { type: 'json' };
import replicaScanRequested from '../../../events/rules/replica-scan-requested.json' with { type: 'json' };
import replicationFailed from '../../../events/rules/replication-failed.json' with { type: 'json' };
import rotationFailed from '../../../events/rules/rotation-failed.json' with { type: 'json' };
import rotationRequested from '../../../events/rules/rotation-requested.json' with { type: 'json' };
import rotationSucceeded from '../../../events/rules/rotation-succeeded.json' with { type: 'json' };

/** A rule file as the dispatcher reads it (scripts/sls/rules.cjs checks the same files at package time). */
interface RuleFile {
  readonly description: string;
  readonly target: string;
  /** The bus the rule listens on: `default` (absent) or `smcp`, the control plane's own (scripts/sls/rules.cjs). */
  readonly bus?: string;
  readonly workflow?: string;
  readonly detailSchema?: string;
  readonly eventPattern?: {
    readonly source?: readonly string[];
    readonly 'detail-type'?: readonly string[];
    readonly detail?: { readonly eventName?: readonly string[] } & Record<string, unknown>;
  };
  readonly scheduleExpression?: string;
}

const ruleFiles: Readonly<Record<string, RuleFile>> = {
  'cleanup-scan': cleanupScan,
  'current-label-moved': currentLabelMoved,
  'detect-spikes': detectSpikes,
  'execution-failed': executionFailed,
  'read-log-files': readLogFiles,
  'read-spike-detected': readSpikeDetected,
  'replica-drift-scan': replicaDriftScan,
  'replica-scan-requested': replicaScanRequested,
  'replication-failed': replicationFailed,
  'rotation-failed': rotationFailed,
  'rotation-requested': rotationRequested,
  'rotation-succeeded': rotationSucceeded,
};

export type { RuleFile };
export { ruleFiles };
