import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateReads, countByPrincipal, dedupIdOf } from '../../functions/reads/domain/aggregate.ts';
import { isSecretRead, parseRead, principalOf, type Read, toRead } from '../../functions/reads/domain/read-event.ts';

const SAMPLES = new URL('../data/aws-event-samples/', import.meta.url);
const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbCdEf';

const read = (overrides: Partial<Read> = {}): Read => ({
  recordId: 'm-1',
  eventId: crypto.randomUUID(),
  secretId: 'app/db',
  time: Date.parse('2026-01-07T10:03:12Z'),
  principal: 'arn:aws:iam::000000000000:user/app|AKIA1',
  sourceIp: '10.0.0.1',
  userAgent: 'app/1',
  region: 'us-east-1',
  ...overrides,
});

describe('read events', () => {
  it('parses a real GetSecretValue record as a log file holds it', () => {
    const record = JSON.parse(readFileSync(new URL('GetSecretValue.cloudtrail-record.json', SAMPLES), 'utf8'));

    const parsed = parseRead(record);

    expect(isSecretRead(record)).toBe(true);
    expect(parsed.success && toRead('m-1', parsed.data)).toEqual({
      recordId: 'm-1',
      eventId: '06e83132-44aa-412c-8e1d-da427a6dc6b1',
      secretId: 'arn:aws:secretsmanager:us-west-2:00000000000:secret:TopSecretInfo-lvRO68',
      time: Date.parse('2025-03-19T18:44:29Z'),
      principal: 'arn:aws:iam::00000000000:user/IAM-Admin|ASIAXXXXXXXXXXXXXXXX',
      sourceIp: '000.00.00.00',
      userAgent: 'Some user agent info here',
      region: 'us-west-2',
    });
  });

  it('reads the record the same whether it came in a log file or as an EventBridge event’s detail', () => {
    const event = JSON.parse(readFileSync(new URL('enveloped/GetSecretValue.eventbridge.json', SAMPLES), 'utf8'));
    const record = JSON.parse(readFileSync(new URL('GetSecretValue.cloudtrail-record.json', SAMPLES), 'utf8'));

    expect(parseRead(event.detail)).toEqual(parseRead(record));
  });

  it('reads a failed read, and CloudTrail Lake’s spelling of the time', () => {
    const denied = JSON.parse(
      readFileSync(new URL('GetSecretValue.AccessDenied.cloudtrail-record.json', SAMPLES), 'utf8'),
    );

    const parsed = parseRead(denied);

    expect(parsed.success && toRead('m-1', parsed.data)?.time).toBe(Date.parse('2024-10-17T21:48:45Z'));
  });

  it('leaves out BatchGetSecretValue itself (CloudTrail records a GetSecretValue per secret it returned) and every other event', () => {
    const record = JSON.parse(readFileSync(new URL('GetSecretValue.cloudtrail-record.json', SAMPLES), 'utf8'));
    const describe = JSON.parse(readFileSync(new URL('DescribeSecret.cloudtrail-record.json', SAMPLES), 'utf8'));

    expect(isSecretRead({ ...record, eventName: 'BatchGetSecretValue' })).toBe(false);
    expect(isSecretRead({ ...record, eventSource: 'ssm.amazonaws.com' })).toBe(false);
    expect(isSecretRead(describe)).toBe(false);
    expect([null, 'GetSecretValue', 42, []].map(isSecretRead)).toEqual([false, false, false, false]);
  });

  it('names no read for a record without a secret id, and refuses one without an event id', () => {
    const record = JSON.parse(readFileSync(new URL('GetSecretValue.cloudtrail-record.json', SAMPLES), 'utf8'));

    const parsed = parseRead({ ...record, requestParameters: null });
    expect(parsed.success && toRead('m-1', parsed.data)).toBeUndefined();
    expect(parseRead({ ...record, eventID: undefined }).success).toBe(false);
  });

  it('tells an assumed-role session and the keys of one identity apart', () => {
    expect(principalOf({ arn: 'arn:aws:sts::1:assumed-role/r/s' })).toBe('arn:aws:sts::1:assumed-role/r/s');
    expect(principalOf({ arn: 'arn:aws:iam::1:root', accessKeyId: 'AKIA2' })).toBe('arn:aws:iam::1:root|AKIA2');
    expect(principalOf({ invokedBy: 'secretsmanager.amazonaws.com' })).toBe('secretsmanager.amazonaws.com');
  });
});

describe('read aggregation', () => {
  it('groups reads per secret ARN and minute, whether the caller passed a name or the ARN', () => {
    const reads = [
      read({ secretId: 'app/db' }),
      read({ secretId: ARN, recordId: 'm-2' }),
      read({ time: Date.parse('2026-01-07T10:04:00Z'), recordId: 'm-3' }),
    ];

    const buckets = aggregateReads(reads, () => ARN);

    expect(
      [...buckets.values()].map((b) => [new Date(b.minute).toISOString(), b.reads.size, [...b.recordIds]]),
    ).toEqual([
      ['2026-01-07T10:03:00.000Z', 2, ['m-1', 'm-2']],
      ['2026-01-07T10:04:00.000Z', 1, ['m-3']],
    ]);
  });

  it('counts an event delivered twice in one batch once', () => {
    const eventId = crypto.randomUUID();

    const buckets = aggregateReads([read({ eventId }), read({ eventId, recordId: 'm-2' })], () => ARN);

    expect([...buckets.values()][0]?.reads.size).toBe(1);
  });

  it('drops reads of secrets that do not exist', () => {
    expect(aggregateReads([read({ secretId: 'gone' })], () => undefined).size).toBe(0);
  });

  it('breaks a bucket down per principal with its IPs, user agents and regions', () => {
    const counts = countByPrincipal([
      read(),
      read({ sourceIp: '10.0.0.2' }),
      read({ principal: 'arn:aws:iam::000000000000:user/other', region: 'eu-west-1' }),
    ]);

    expect([...counts.values()].map((p) => [p.principal, p.count, [...p.sourceIps], [...p.regions]])).toEqual([
      ['arn:aws:iam::000000000000:user/app|AKIA1', 2, ['10.0.0.1', '10.0.0.2'], ['us-east-1']],
      ['arn:aws:iam::000000000000:user/other', 1, ['10.0.0.1'], ['eu-west-1']],
    ]);
  });

  it('shortens event ids to 16 hex digits for the dedup set', () => {
    expect(dedupIdOf('06E83132-44aa-412c-8e1d-da427a6dc6b1')).toBe('06e8313244aa412c');
  });
});
