// Turns events/rules/*.json into CloudFormation for serverless.yml. The local cloud reads the same files through
// loadRules(), so what is deployed and what runs offline cannot drift apart.
// CommonJS because serverless.yml's ${file(...)} loads JavaScript with require().
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { bucketSubText, keyPrefixText } = require('./read-trail.cjs');

const RULES_DIR = join(__dirname, '..', '..', 'events', 'rules');

// serverless's logical id for a function key: `ingest-reads` → `IngestDashreadsLambdaFunction`.
const functionLogicalId = (key) =>
  `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;

/**
 * Rule targets by name: a function key of serverless.yml (EventBridge must be allowed to invoke it), or a queue.
 * The trail's log files queue, and ingest-reads takes them ten at a time (a Lambda per file would not aggregate). An
 * SQS target needs no Lambda permission; the queue's policy (serverless/reads.yml) lets this rule send.
 */
const QUEUE_TARGETS = { 'read-log-files-queue': 'ReadLogFilesQueue' };
const FUNCTION_TARGETS = ['dispatch', 'detect-spikes'];
const TARGETS = Object.fromEntries([
  ...FUNCTION_TARGETS.map((key) => [key, { logicalId: functionLogicalId(key), kind: 'lambda' }]),
  ...Object.entries(QUEUE_TARGETS).map(([name, logicalId]) => [name, { logicalId, kind: 'sqs' }]),
]);

const STATES = ['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'];

/**
 * What a rule file cannot know (the stage, the account, the region) it names with a placeholder, filled in here with
 * pseudo parameters and references, so packaging needs no credentials: `{{stateMachineArnPrefix}}` is the ARN prefix
 * of this stack's state machines (`arn:…:stateMachine:<service>-<stage>-`), `{{executionArnPrefix}}` that of their
 * executions, `{{account}}` and `{{region}}` the stack's, `{{readTrailBucket}}` the name of the bucket the read trail's
 * log files are in (scripts/sls/read-trail.cjs: the stack's own, `${ReadTrailBucket}`, or the stage's
 * `readsTrailBucket`), `{{readTrailKeyPrefix}}` what comes before `AWSLogs/` in their keys (empty, or the stage's
 * `readsTrailKeyPrefix` and a `/`).
 */
const PLACEHOLDERS = {
  stateMachineArnPrefix: ({ service, stage }) =>
    `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${service}-${stage}-`,
  executionArnPrefix: ({ service, stage }) =>
    `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${service}-${stage}-`,
  account: () => `\${AWS::AccountId}`,
  region: () => `\${AWS::Region}`,
  // Fn::Sub's reference to a resource (its Ref, the bucket's name) or a bucket's name as it is; the stack's own when
  // the caller does not say.
  readTrailBucket: ({ readTrailBucket = `\${ReadTrailBucket}` }) => readTrailBucket,
  readTrailKeyPrefix: ({ readTrailKeyPrefix = '' }) => readTrailKeyPrefix,
};
const PLACEHOLDER = /\{\{([A-Za-z]+)\}\}/g;

/** The placeholders a value names that PLACEHOLDERS does not know. */
const unknownPlaceholders = (value) => {
  if (typeof value === 'string') {
    return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !Object.hasOwn(PLACEHOLDERS, name));
  }
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(unknownPlaceholders);
};

/**
 * A string with placeholders becomes an Fn::Sub of the stack's ARNs; anything else is copied as it is. `readTrailBucket`
 * is Fn::Sub text for the trail bucket (scripts/sls/read-trail.cjs), the stack's own when omitted; `readTrailKeyPrefix`
 * the log files' key prefix, none when omitted.
 */
const fillPlaceholders = (value, service, stage, readTrailBucket, readTrailKeyPrefix) => {
  const context = {
    service,
    stage,
    ...(readTrailBucket === undefined ? {} : { readTrailBucket }),
    ...(readTrailKeyPrefix === undefined ? {} : { readTrailKeyPrefix }),
  };
  const fill = (v) => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return v;
      // Fn::Sub would read a literal ${ as a variable: the rule files never hold one. A placeholder filled with plain
      // text (an existing trail's bucket name) needs no Fn::Sub.
      const filled = v.replace(PLACEHOLDER, (_, name) => PLACEHOLDERS[name](context));
      return filled.includes('${') ? { 'Fn::Sub': filled } : filled;
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, fill(inner)]));
  };
  return fill(value);
};

/**
 * Which bus a rule listens on (`"bus"` in its file): `default` (AWS service events, CloudTrail events, schedules) or
 * `smcp`, the control plane's own bus (scripts/sls/bus.cjs), where its `source: smcp` events travel. A rule for smcp
 * events on the default bus would start workflows from events anyone with events:PutEvents could forge; a rule for AWS
 * events on the smcp bus would never fire; EventBridge runs schedules on the default bus only.
 */
const BUSES = ['default', 'smcp'];
const INTERNAL_SOURCE = 'smcp';
const BUS_LOGICAL_ID = 'ControlPlaneEventBus';

const pascal = (name) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

/** Reads and checks every rule file; a mistake fails the package or the local cloud with the file's name. */
const loadRules = (dir = RULES_DIR) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.json'.length);
      const fail = (why) => {
        throw new Error(`events/rules/${file}: ${why}`);
      };
      let rule;
      try {
        rule = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        fail(`not valid JSON (${error.message})`);
      }
      if (!/^[a-z0-9-]{1,40}$/.test(name)) fail('rule file names must be lower-case words joined by dashes');
      if (!Object.hasOwn(TARGETS, rule.target))
        fail(`unknown target "${rule.target}"; known: ${Object.keys(TARGETS).join(', ')}`);
      if (!rule.eventPattern === !rule.scheduleExpression)
        fail('needs exactly one of eventPattern or scheduleExpression');
      if (rule.target === 'dispatch' && typeof rule.workflow !== 'string') fail('a dispatch rule names its workflow');
      // The dispatcher validates the event's detail with this schema (functions/dispatch/domain/details.ts).
      if (rule.target === 'dispatch' && typeof rule.detailSchema !== 'string')
        fail('a dispatch rule names its detailSchema');
      const unknown = unknownPlaceholders(rule.eventPattern ?? {});
      if (unknown.length > 0)
        fail(`unknown placeholder {{${unknown[0]}}}; known: ${Object.keys(PLACEHOLDERS).join(', ')}`);
      const state = rule.state ?? 'ENABLED';
      if (!STATES.includes(state)) fail(`state must be one of ${STATES.join(', ')}`);
      const bus = rule.bus ?? 'default';
      if (!BUSES.includes(bus)) fail(`bus must be one of ${BUSES.join(', ')}`);
      if (rule.scheduleExpression && bus !== 'default') fail('a scheduled rule runs on the default bus');
      const sources = rule.eventPattern?.source ?? [];
      if (sources.includes(INTERNAL_SOURCE) && bus !== 'smcp')
        fail(`a rule for source "${INTERNAL_SOURCE}" events listens on the smcp bus: add "bus": "smcp"`);
      if (bus === 'smcp' && (sources.length === 0 || sources.some((s) => s !== INTERNAL_SOURCE)))
        fail(`a rule on the smcp bus matches source "${INTERNAL_SOURCE}" only (AWS events never reach it)`);
      return { name, ...rule, state, bus };
    });

/**
 * The dispatcher cannot tell which rule fired from the event alone, so each dispatch target wraps the event with the
 * rule's name. `<aws.events.event.json>` is EventBridge's predefined variable for the whole original event.
 */
const dispatchInputTemplate = (ruleName) => `{"rule":"${ruleName}","event":<aws.events.event.json>}`;

const resources = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const service = await resolveVariable('self:service');
  const readTrailBucket = await bucketSubText(resolveVariable);
  const readTrailKeyPrefix = await keyPrefixText(resolveVariable);
  const out = {};
  for (const rule of loadRules()) {
    const target = TARGETS[rule.target];
    const ruleId = `Rule${pascal(rule.name)}`;
    out[ruleId] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${service}-${stage}-${rule.name}`,
        Description: rule.description,
        ...(rule.bus === 'smcp' && { EventBusName: { Ref: BUS_LOGICAL_ID } }),
        State: rule.state,
        ...(rule.eventPattern
          ? { EventPattern: fillPlaceholders(rule.eventPattern, service, stage, readTrailBucket, readTrailKeyPrefix) }
          : { ScheduleExpression: rule.scheduleExpression }),
        Targets: [
          {
            Id: rule.target,
            Arn: { 'Fn::GetAtt': [target.logicalId, 'Arn'] },
            ...(rule.target === 'dispatch' && {
              InputTransformer: { InputTemplate: dispatchInputTemplate(rule.name) },
            }),
            // Other targets may shape their input in the rule file.
            ...(rule.target !== 'dispatch' && rule.inputTransformer && { InputTransformer: rule.inputTransformer }),
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
          },
        ],
      },
    };
    if (target.kind === 'lambda') {
      out[`${ruleId}Permission`] = {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': [target.logicalId, 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
        },
      };
    }
  }
  return out;
};

module.exports = { dispatchInputTemplate, fillPlaceholders, functionLogicalId, loadRules, resources, RULES_DIR };
