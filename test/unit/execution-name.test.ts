import { describe, expect, it } from 'vitest';
import { executionNameFor } from '../../functions/dispatch/domain/execution-name.ts';

const ALLOWED = /^[A-Za-z0-9_-]{1,80}$/;

describe('execution name from an event id', () => {
  it('uses an EventBridge UUID as it is', () => {
    const id = 'cec51282-f319-1f3d-5318-c70a3f4e4ad0';

    expect(executionNameFor(id)).toBe(id);
  });

  it('digests ids with characters Step Functions rejects into an allowed name', () => {
    const name = executionNameFor('Rotation-arn:aws:secretsmanager:us-east-2:1:secret:db/main {x}');

    expect(name).toMatch(ALLOWED);
  });

  it('digests ids longer than 80 characters, deterministically', () => {
    const long = 'a'.repeat(200);

    expect(executionNameFor(long)).toMatch(ALLOWED);
    expect(executionNameFor(long)).toBe(executionNameFor(long));
    expect(executionNameFor(long)).not.toBe(executionNameFor(`${long}b`));
  });
});
