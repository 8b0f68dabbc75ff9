// `Rotation Requested`'s requester has one limit, from the one schema (functions/rotation/schemas.ts
// RotationRequestedDetail): the dispatcher and Plan Rotation used to disagree (512 and 256), so a 300-character
// requester passed the dispatcher and then failed Plan Rotation.
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/dispatch/domain/routes.ts';
import { PlanInput } from '../../functions/rotation/schemas.ts';
import { settle } from '../../local/settle.ts';
import { busEvent } from '../support/events.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:smcp-local-rotation:e-1';
const requester = (length: number) => `team-${'a'.repeat(length - 5)}`;

const dispatchDetail = () => {
  const route = routes.get('rotation-requested');
  if (!route) throw new Error('no route for rotation-requested');
  return route.detail;
};

describe('rotation requested: the requester limit', () => {
  it('accepts a 300-character requester in the dispatcher and in Plan Rotation alike', () => {
    const detail = { secretId: 'prod/db', reason: 'quarterly', requestedBy: requester(300) };

    const dispatched = dispatchDetail().safeParse(detail);
    const planned = PlanInput.safeParse({ secretId: 'prod/db', executionArn: EXECUTION, detail });

    expect(dispatched.success).toBe(true);
    expect(planned.success).toBe(true);
    expect(planned.data?.detail.requestedBy).toHaveLength(300);
  });

  it('refuses a requester over 512 characters in both, with the same limit', () => {
    const detail = { secretId: 'prod/db', requestedBy: requester(513) };

    const dispatched = dispatchDetail().safeParse(detail);
    const planned = PlanInput.safeParse({ secretId: 'prod/db', executionArn: EXECUTION, detail });

    expect(dispatched.success).toBe(false);
    expect(planned.success).toBe(false);
    expect(
      PlanInput.safeParse({
        secretId: 'prod/db',
        executionArn: EXECUTION,
        detail: { ...detail, requestedBy: requester(512) },
      }).success,
    ).toBe(true);
  });
});

describe('rotation requested by a 300-character requester, through the local cloud', () => {
  let t: TestCloud;

  beforeAll(async () => {
    t = await startTestCloud();
  }, 120_000);
  afterAll(async () => {
    await t?.cloud.stop();
  });

  it('plans and completes the rotation for the requester as given', async () => {
    const name = 'requested-by/long';
    await t.clients.sm.send(
      new CreateSecretCommand({
        Name: name,
        SecretString: JSON.stringify({ username: 'svc', password: `initial-${crypto.randomUUID()}` }),
        Tags: [
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'none' },
        ],
      }),
    );
    const event = busEvent({ detail: { secretId: name, reason: 'long requester', requestedBy: requester(300) } });

    t.cloud.bus?.publish(event);
    const execution = (await settle(t.cloud)).find((e) => e.workflow === 'rotation' && e.name === event.id);
    const planned = execution?.history.find(
      (e) => e.type === 'TaskStateExited' && (e.stateExitedEventDetails as { name?: string })?.name === 'Plan Rotation',
    );
    const plan = JSON.parse(String((planned?.stateExitedEventDetails as { output?: string })?.output ?? '{}')).plan;

    expect(execution?.status).toBe('SUCCEEDED');
    expect(plan).toMatchObject({ enabled: true, requestedBy: requester(300) });
    expect(JSON.stringify(execution?.history)).toContain('Rotation Completed');
  });
});
