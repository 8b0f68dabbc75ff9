import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../local/eventbridge/errors.ts';
import { compilePattern, matches, testEventPattern } from '../../local/eventbridge/pattern.ts';

interface VectorCase {
  name: string;
  expected: 'match' | 'no-match' | 'error';
  pattern: Record<string, unknown>;
  event: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
}

interface RawTextCase {
  name: string;
  expected: 'match' | 'no-match';
  patternText?: string;
  eventText?: string;
}

interface Vectors {
  cases: VectorCase[];
  rawTextCases: RawTextCase[];
}

// AWS-validated vectors (run against real EventBridge TestEventPattern); source and licence in their NOTICE.md.
const vectors = JSON.parse(
  readFileSync(new URL('../data/eventbridge-patterns/vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const compileError = (pattern: string | object): InvalidEventPatternError => {
  try {
    compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
  throw new Error('expected the pattern to be rejected');
};

const cloudTrailEvent = (detail: Record<string, unknown>): Record<string, unknown> => ({
  version: '0',
  id: 'a2b3c4d5-0000-0000-0000-000000000001',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.secretsmanager',
  account: '123456789012',
  time: '2026-01-05T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail,
});

describe('EventBridge conformance vectors', () => {
  it('holds the 155 AWS-validated cases', () => {
    expect(vectors.cases).toHaveLength(155);
  });

  it.each(vectors.cases.filter((vector) => vector.expected !== 'error'))('$name ($expected)', (vector) => {
    // prepare
    const compiled = compilePattern(vector.pattern);

    // act
    const matched = matches(compiled, vector.event);

    // assess
    expect(matched).toBe(vector.expected === 'match');
  });

  it.each(vectors.cases.filter((vector) => vector.expected === 'error'))('$name (rejected)', (vector) => {
    // act
    const error = compileError(vector.pattern);

    // assess
    expect(error.name).toBe(vector.errorCode);
    expect(error.message).toBe(vector.errorMessage);
  });

  it.each(vectors.rawTextCases.filter((vector) => vector.patternText !== undefined))('$name (raw text)', (vector) => {
    // prepare
    const event = JSON.parse(vector.eventText ?? '{}') as object;

    // act
    const matched = testEventPattern(vector.patternText ?? '', event);

    // assess
    expect(matched).toBe(vector.expected === 'match');
  });
});

describe('event pattern matching', () => {
  it('matches a prefix on a nested field', () => {
    // prepare
    const compiled = compilePattern({
      source: ['aws.secretsmanager'],
      detail: {
        requestParameters: { secretId: [{ prefix: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db/' }] },
      },
    });
    const event = cloudTrailEvent({
      requestParameters: { secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db/orders-AbCdEf' },
    });
    const other = cloudTrailEvent({ requestParameters: { secretId: 'app/orders' } });

    // act
    const results = [matches(compiled, event), matches(compiled, other)];

    // assess
    expect(results).toEqual([true, false]);
  });

  it('matches either ARN spelling with $or, ANDed with the sibling fields', () => {
    // prepare
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db/orders-AbCdEf';
    const compiled = compilePattern({
      source: ['aws.secretsmanager'],
      detail: {
        eventName: ['PutSecretValue', 'UpdateSecret'],
        $or: [{ responseElements: { arn: [arn] } }, { responseElements: { aRN: [arn] } }],
      },
    });

    // act
    const lowerCase = matches(compiled, cloudTrailEvent({ eventName: 'UpdateSecret', responseElements: { arn } }));
    const legacy = matches(compiled, cloudTrailEvent({ eventName: 'PutSecretValue', responseElements: { aRN: arn } }));
    const wrongEvent = matches(compiled, cloudTrailEvent({ eventName: 'GetSecretValue', responseElements: { arn } }));

    // assess
    expect([lowerCase, legacy, wrongEvent]).toEqual([true, true, false]);
  });

  it('does not combine fields taken from different elements of one event array', () => {
    // prepare
    const compiled = compilePattern({ detail: { replicas: { region: ['us-east-1'], status: ['Failed'] } } });
    const split = {
      detail: {
        replicas: [
          { region: 'us-east-1', status: 'InSync' },
          { region: 'eu-west-1', status: 'Failed' },
        ],
      },
    };
    const same = {
      detail: {
        replicas: [
          { region: 'eu-west-1', status: 'InSync' },
          { region: 'us-east-1', status: 'Failed' },
        ],
      },
    };

    // act
    const results = [matches(compiled, split), matches(compiled, same)];

    // assess
    expect(results).toEqual([false, true]);
  });

  it('treats exists false as absent from every element of an event array', () => {
    // prepare
    const compiled = compilePattern({ detail: { items: { discount: [{ exists: false }] } } });

    // act
    const oneHasIt = matches(compiled, { detail: { items: [{ price: 1 }, { discount: 5 }] } });
    const noneHasIt = matches(compiled, { detail: { items: [{ price: 1 }, { price: 2 }] } });
    const parentMissing = matches(compiled, { detail: {} });

    // assess
    expect([oneHasIt, noneHasIt, parentMissing]).toEqual([false, true, true]);
  });

  it('counts absence as a match only when combined with exists false, not for anything-but alone', () => {
    // prepare
    const anythingBut = compilePattern({ detail: { state: [{ 'anything-but': 'deleted' }] } });
    const orAbsent = compilePattern({ detail: { state: [{ 'anything-but': 'deleted' }, { exists: false }] } });
    const event = { detail: {} };

    // act
    const results = [matches(anythingBut, event), matches(orAbsent, event)];

    // assess
    expect(results).toEqual([false, true]);
  });

  it('compares numbers as numbers and never matches a numeric string', () => {
    // prepare
    const exact = compilePattern({ detail: { days: [30] } });
    const range = compilePattern({ detail: { days: [{ numeric: ['>=', 7, '<', 3.018e2] }] } });

    // act
    const results = [
      matches(exact, { detail: { days: 30.0 } }),
      matches(exact, { detail: { days: '30' } }),
      matches(range, { detail: { days: 7 } }),
      matches(range, { detail: { days: 301.8 } }),
      matches(range, { detail: { days: 301.79 } }),
    ];

    // assess
    expect(results).toEqual([true, false, true, false, true]);
  });

  it('matches anything-but lists of prefixes and case-insensitive values', () => {
    // prepare
    const compiled = compilePattern({
      detail: {
        region: [{ 'anything-but': { prefix: ['us-', 'ca-'] } }],
        label: [{ 'anything-but': { 'equals-ignore-case': ['AWSPENDING', 'awsprevious'] } }],
      },
    });

    // act
    const kept = matches(compiled, { detail: { region: 'eu-west-1', label: 'AWSCURRENT' } });
    const pending = matches(compiled, { detail: { region: 'eu-west-1', label: 'awspending' } });
    const usRegion = matches(compiled, { detail: { region: 'us-east-1', label: 'AWSCURRENT' } });

    // assess
    expect([kept, pending, usRegion]).toEqual([true, false, false]);
  });

  it('treats escaped wildcard characters as literals', () => {
    // prepare
    const star = compilePattern({ detail: { name: [{ wildcard: 'db\\**' }] } });
    const backslash = compilePattern({ detail: { name: [{ wildcard: 'C:\\\\*' }] } });

    // act
    const results = [
      matches(star, { detail: { name: 'db*orders' } }),
      matches(star, { detail: { name: 'dborders' } }),
      matches(backslash, { detail: { name: 'C:\\temp' } }),
    ];

    // assess
    expect(results).toEqual([true, false, true]);
  });

  it('matches an IP inside a CIDR whose address has host bits set', () => {
    // prepare
    const compiled = compilePattern({ detail: { sourceIPAddress: [{ cidr: '10.0.0.77/24' }] } });

    // act
    const results = [
      matches(compiled, { detail: { sourceIPAddress: '10.0.0.1' } }),
      matches(compiled, { detail: { sourceIPAddress: '10.0.1.1' } }),
      matches(compiled, { detail: { sourceIPAddress: 'not-an-ip' } }),
    ];

    // assess
    expect(results).toEqual([true, false, false]);
  });

  it('compiles a pattern given as JSON text and reuses it for many events', () => {
    // prepare
    const compiled = compilePattern('{"detail-type":[{"equals-ignore-case":"secret label updated"}]}');

    // act
    const results = ['Secret Label Updated', 'SECRET LABEL UPDATED', 'Rotation Succeeded'].map((detailType) =>
      matches(compiled, { 'detail-type': detailType }),
    );

    // assess
    expect(results).toEqual([true, true, false]);
  });

  it.each([
    ['a pattern that is not an object', '["source"]', 'Filter is not an object'],
    ['an empty object', { detail: {} }, 'Empty objects are not allowed'],
    ['$or with one branch', { $or: [{ source: ['a'] }] }, 'There must have at least 2 Objects in $or relationship.'],
    ['$or that is not an array', { $or: { source: ['a'] } }, 'It must be an Array followed with $or.'],
    [
      'an operator name used as a field inside $or',
      { $or: [{ prefix: ['a'] }, { b: ['c'] }] },
      'prefix is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    [
      'two keys in one match expression',
      { a: [{ prefix: 'x', suffix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    ['an unknown escape in a wildcard', { a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    ['an inverted numeric range', { a: [{ numeric: ['>', 10, '<', 5] }] }, 'Bottom must be less than top'],
    [
      'a mixed anything-but list',
      { a: [{ 'anything-but': ['x', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'an IPv4 /32 CIDR (Ruler allows at most 31 mask bits)',
      { a: [{ cidr: '10.0.0.1/32' }] },
      'IPv4 mask bits must be < 32',
    ],
  ])('rejects %s', (_label, pattern, reason) => {
    // act
    const error = compileError(pattern);

    // assess
    expect(error.name).toBe('InvalidEventPatternException');
    expect(error.message).toBe(`Event pattern is not valid. Reason: ${reason}`);
  });
});
