import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeOf, routes } from '../../functions/dispatch/domain/routes.ts';
import { ruleFiles } from '../../functions/dispatch/domain/rules.ts';

const require = createRequire(import.meta.url);
const { fillPlaceholders, loadRules } = require('../../scripts/sls/rules.cjs') as {
  fillPlaceholders: (
    value: unknown,
    service: string,
    stage: string,
    readTrailBucket?: string,
    readTrailKeyPrefix?: string,
  ) => unknown;
  loadRules: (dir?: string) => ({
    name: string;
    target: string;
    workflow?: string;
    eventPattern?: Record<string, string[]>;
  } & {
    state: string;
    bus: string;
  })[];
};

describe('rules and dispatch routes', () => {
  it('bundles every rule file in events/rules into the dispatcher, unchanged', () => {
    const files = loadRules();

    const bundled = Object.fromEntries(Object.entries(ruleFiles).map(([name, rule]) => [name, rule]));
    const onDisk = Object.fromEntries(files.map(({ name, state: _state, bus: _bus, ...rule }) => [name, rule]));
    expect(Object.keys(bundled).sort()).toEqual(Object.keys(onDisk).sort());
    for (const [name, rule] of Object.entries(onDisk)) expect(bundled[name], name).toMatchObject(rule);
  });

  it('gives every dispatch rule file a route to its workflow, and no other rule a route', () => {
    const files = loadRules().filter((rule) => rule.target === 'dispatch');

    const fromFiles = Object.fromEntries(files.map((rule) => [rule.name, rule.workflow]));
    const fromRoutes = Object.fromEntries([...routes].map(([name, route]) => [name, route.workflow]));
    expect(fromRoutes).toEqual(fromFiles);
  });

  it('checks events against the source and detail-type of the rule’s pattern, schedules as aws.events', () => {
    for (const rule of loadRules().filter((r) => r.target === 'dispatch')) {
      const route = routes.get(rule.name);

      expect(route?.source, rule.name).toBe(rule.eventPattern?.source?.[0] ?? 'aws.events');
      expect(route?.detailType, rule.name).toBe(rule.eventPattern?.['detail-type']?.[0] ?? 'Scheduled Event');
    }
  });

  it('accepts only the service events the rule’s pattern names', () => {
    const remediation = routes.get('rotation-failed');
    const serviceEvent = (eventName: string) => ({
      eventSource: 'secretsmanager.amazonaws.com',
      eventName,
      eventType: 'AwsServiceEvent',
      additionalEventData: { SecretId: 'prod/db' },
    });

    expect(remediation?.detail.safeParse(serviceEvent('RotationAbandoned')).success).toBe(true);
    expect(remediation?.detail.safeParse(serviceEvent('RotationSucceeded')).success).toBe(false);
  });

  it('names the rule file when a dispatch rule lacks its workflow or names an unknown detail schema', () => {
    const base = { description: 'x', target: 'dispatch', eventPattern: { source: ['smcp'], 'detail-type': ['X'] } };

    expect(() => routeOf('no-workflow', { ...base, detailSchema: 'RotationRequested' })).toThrow(
      'events/rules/no-workflow.json: a dispatch rule names its workflow',
    );
    expect(() => routeOf('bad-schema', { ...base, workflow: 'rotation', detailSchema: 'Nope' })).toThrow(
      /events\/rules\/bad-schema\.json: detailSchema "Nope" is not one of RotationRequested, /,
    );
    expect(() =>
      routeOf('two-sources', {
        ...base,
        workflow: 'rotation',
        detailSchema: 'RotationRequested',
        eventPattern: { source: ['smcp', 'other'], 'detail-type': ['X'] },
      }),
    ).toThrow('events/rules/two-sources.json: a dispatch rule’s pattern names exactly one source'.replace('’', "'"));
  });

  it('fills a pattern’s stack placeholders with Fn::Sub of this stack’s ARNs, and names an unknown one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smcp-rules-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        description: 'x',
        target: 'dispatch',
        workflow: 'w',
        detailSchema: 'Scheduled',
        eventPattern: { source: ['aws.states'], detail: { stateMachineArn: [{ prefix: '{{stackPrefix}}' }] } },
      }),
    );

    const filled = fillPlaceholders({ prefix: '{{executionArnPrefix}}failure-alert:', plain: 'x' }, 'smcp', 'prod');

    expect(filled).toEqual({
      prefix: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
        'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:smcp-prod-failure-alert:',
      },
      plain: 'x',
    });
    expect(() => loadRules(dir)).toThrow(
      'events/rules/bad.json: unknown placeholder {{stackPrefix}}; known: stateMachineArnPrefix, executionArnPrefix, account, region, readTrailBucket, readTrailKeyPrefix',
    );
    rmSync(dir, { recursive: true });
  });

  it('fills the trail bucket with the stack’s own bucket, or with an existing trail’s bucket name as plain text', () => {
    const pattern = {
      name: ['{{readTrailBucket}}'],
      key: [{ prefix: '{{readTrailKeyPrefix}}AWSLogs/{{account}}/CloudTrail/{{region}}/' }],
    };

    const own = fillPlaceholders(pattern, 'smcp', 'prod');
    const existing = fillPlaceholders(pattern, 'smcp', 'prod', 'org-trail-logs');
    const prefixed = fillPlaceholders(pattern, 'smcp', 'prod', 'org-trail-logs', 'org/cloudtrail/');

    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    const key = [{ prefix: { 'Fn::Sub': 'AWSLogs/${AWS::AccountId}/CloudTrail/${AWS::Region}/' } }];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
    expect(own).toEqual({ name: [{ 'Fn::Sub': '${ReadTrailBucket}' }], key });
    // No Fn::Sub without a variable in it (cfn-lint W1020).
    expect(existing).toEqual({ name: ['org-trail-logs'], key });
    expect(prefixed).toEqual({
      name: ['org-trail-logs'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template, not JavaScript.
      key: [{ prefix: { 'Fn::Sub': 'org/cloudtrail/AWSLogs/${AWS::AccountId}/CloudTrail/${AWS::Region}/' } }],
    });
  });

  it('refuses a rule for the control plane’s own events unless it listens on the smcp bus', () => {
    const rule = {
      description: 'x',
      target: 'dispatch',
      workflow: 'rotation',
      detailSchema: 'RotationRequested',
      eventPattern: { source: ['smcp'], 'detail-type': ['Rotation Requested'] },
    };

    expect(() => routeOf('on-default', rule)).toThrow(
      'events/rules/on-default.json: a rule for source "smcp" events listens on the smcp bus ("bus": "smcp")',
    );
    expect(routeOf('on-smcp', { ...rule, bus: 'smcp' }).source).toBe('smcp');
    for (const name of ['rotation-requested', 'read-spike-detected']) expect(routes.get(name)?.source).toBe('smcp');
  });

  it('puts each rule on its bus at package time: smcp events on the smcp bus, AWS events and schedules on the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'smcp-rules-'));
    const attempt = (rule: object) => {
      writeFileSync(join(dir, 'r.json'), JSON.stringify({ description: 'x', target: 'detect-spikes', ...rule }));
      return () => loadRules(dir);
    };
    try {
      expect(attempt({ eventPattern: { source: ['smcp'] } })).toThrow(
        'events/rules/r.json: a rule for source "smcp" events listens on the smcp bus: add "bus": "smcp"',
      );
      expect(attempt({ bus: 'smcp', eventPattern: { source: ['aws.secretsmanager'] } })).toThrow(
        'matches source "smcp" only',
      );
      expect(attempt({ bus: 'smcp', scheduleExpression: 'rate(1 minute)' })).toThrow(
        'a scheduled rule runs on the default bus',
      );
      expect(attempt({ bus: 'other', eventPattern: { source: ['smcp'] } })).toThrow('bus must be one of default, smcp');
      expect(attempt({ bus: 'smcp', eventPattern: { source: ['smcp'] } })()).toMatchObject([{ bus: 'smcp' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const buses = Object.fromEntries(loadRules().map((rule) => [rule.name, rule.bus]));
    expect(buses).toMatchObject({
      'rotation-requested': 'smcp',
      'read-spike-detected': 'smcp',
      // S3's Object Created events arrive on the default bus.
      'read-log-files': 'default',
      // Step Functions' own Execution Status Change events arrive on the default bus.
      'execution-failed': 'default',
    });
  });
});
