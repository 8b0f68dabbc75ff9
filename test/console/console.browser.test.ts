// The console in a real browser (Debian's Chromium, headless) against the whole local cloud on a manual clock: what a
// person sees after the demo, deciding approvals from the page, live updates without a reload, attacker-chosen text
// shown as text, and a read burst's alert on the chart. Every wait is for a state of the page (playwright's
// auto-waiting); where time must pass, the local clock is advanced.
import { randomUUID } from 'node:crypto';
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo.ts';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, replayScenario } from '../../local/replay/engine.ts';
import { loadRecordedEvents } from '../../local/replay/load.ts';
import { MINUTE, seedDetector, syntheticCounts, writeCounts } from '../reads/support.ts';
import { startTestCloud, type TestCloud } from '../support/local-cloud.ts';
import { launchBrowser, requestRotation, screenshot } from './support.ts';

const START = '2026-01-07T10:00:00Z';
// Would set window.__pwned if it ever ran: as markup (img onerror, script) or as a link (javascript:).
const PAYLOAD = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><a href="javascript:window.__pwned=1">x</a>`;

let t: TestCloud;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let demoOutput: string[] = [];

const open = async (hash: string): Promise<Page> => {
  const page = await browser.newPage();
  await page.goto(`${t.cloud.consoleUrl}${hash}`);
  return page;
};

/** A secret's versions and their labels. */
const labelsOf = async (secretId: string) =>
  (await t.clients.sm.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages;

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

beforeAll(async () => {
  t = await startTestCloud({ start: START, schedules: true });
  demoOutput = [];
  await runDemo(t.cloud, (line) => demoOutput.push(line));
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.cloud.stop();
});

describe('the console', () => {
  it('shows the demo secrets with their versions, labels and tags, and the operator it acts as', async () => {
    const page = await open('#/secrets');

    await page.locator('tr[data-secret="demo/app/api-key"]').waitFor();
    const names = await page
      .locator('tr[data-secret]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-secret')));
    const apiKey = page.locator('tr[data-secret="demo/app/api-key"]');
    await page.fill('#secret-filter', 'payments-team');
    await page.locator('tr[data-secret]').first().waitFor();
    const filtered = await page
      .locator('tr[data-secret]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-secret')));
    await page.fill('#secret-filter', '');
    await screenshot(page, 'secrets');

    expect(names).toEqual(['demo/app/api-key', 'demo/app/db-password', 'demo/app/payments-token']);
    expect(await page.locator('#operator').textContent()).toBe('local-operator');
    // The first rotation ran to the end: the key has a current and a previous version.
    expect(await apiKey.locator('.stage-awscurrent').count()).toBe(1);
    expect(await apiKey.locator('.stage-awsprevious').count()).toBe(1);
    expect(await apiKey.textContent()).toContain('smcp:strategy=random-password');
    expect(filtered).toEqual(['demo/app/payments-token']);
    expect(demoOutput.join('\n')).not.toContain('Rotation Skipped');
    await page.close();
  });

  it('approves the waiting rotation from its page and shows it finish and AWSCURRENT move without a reload', async () => {
    const waiting = t.cloud.stepfunctions.executions().find((e) => e.name === '5f0c4a53-demo-4c1e-9a57-000000000003');
    const page = await open(`#/executions/${encodeURIComponent(waiting?.executionArn ?? '')}`);
    await page.locator('g[data-state="Wait For Approval"][data-status="waiting"]').waitFor();
    const current = page.locator('tr[data-version]', { has: page.locator('.stage-awscurrent') });
    const before = await current.getAttribute('data-version');
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    const waitingShot = screenshot(page, 'execution-waiting');
    await waitingShot;

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.locator('#execution-status .status-succeeded').waitFor();
    await page.locator(`tr[data-version="${before}"] .stage-awsprevious`).waitFor();
    const after = await current.getAttribute('data-version');
    await screenshot(page, 'execution-approved');

    expect(await page.locator('.decision-message').textContent()).toBe('Approved as local-operator');
    expect(waiting).toBeDefined();
    expect(await page.locator('g[data-state="Promote Pending To Current"]').getAttribute('data-status')).toBe('ok');
    expect(await page.locator('g[data-state="Wait For Approval"]').getAttribute('data-status')).toBe('ok');
    expect(after).not.toBe(before);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.close();
  });

  it('rejects from the approvals page: the rotation ends without a new version and the decision shows who and when', async () => {
    const [execution] = await requestRotation(t, 'demo/app/payments-token', {
      reason: 'second rotation, to reject',
      requestedBy: 'alice',
    });
    const labelsBefore = await labelsOf('demo/app/payments-token');
    const page = await open('#/approvals');
    const row = page.locator('tr[data-approval]', { hasText: 'second rotation, to reject' });

    await row.getByRole('button', { name: 'Reject' }).click();
    const decided = page.locator('section', { hasText: 'Decided' }).locator('tr[data-approval]', {
      hasText: 'second rotation, to reject',
    });
    await decided.locator('.status-rejected').waitFor();
    await screenshot(page, 'approvals-rejected');
    const executionPage = await open(`#/executions/${encodeURIComponent(execution?.executionArn ?? '')}`);
    await executionPage
      .locator('#execution-status .badge')
      .filter({ hasNotText: /WAITING|RUNNING/ })
      .waitFor();

    expect(await decided.textContent()).toContain('local-operator');
    expect(await decided.locator('td').last().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(await executionPage.locator('g[data-state="Create Pending Version"]').getAttribute('data-status')).toBe(
      'unvisited',
    );
    expect(await labelsOf('demo/app/payments-token')).toEqual(labelsBefore);
    await executionPage.close();
    await page.close();
  });

  it('shows a description, a tag, a reason and a requester that are markup as text, and runs none of it', async () => {
    await t.clients.sm.send(
      new CreateSecretCommand({
        Name: 'console/xss',
        Description: PAYLOAD,
        SecretString: 'not-shown',
        Tags: [
          { Key: 'smcp:rotation', Value: 'orchestrated' },
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
          { Key: 'note', Value: PAYLOAD },
        ],
      }),
    );
    await requestRotation(t, 'console/xss', { reason: PAYLOAD, requestedBy: `mallory${PAYLOAD}` });

    const secrets = await open('#/secrets/console%2Fxss');
    await secrets.locator('#secret-description').waitFor();
    const description = await secrets.locator('#secret-description').textContent();
    const markup = await secrets.locator('main img, main script, main a[href^="javascript"]').count();
    await screenshot(secrets, 'xss-secret');
    const approvals = await open('#/approvals');
    const row = approvals.locator('tr[data-approval]', { hasText: 'window.__pwned' });
    await row.waitFor();
    await screenshot(approvals, 'xss-approval');

    expect(description).toBe(PAYLOAD);
    expect(await secrets.locator('.tags').first().textContent()).toContain(`note=${PAYLOAD}`);
    expect(markup).toBe(0);
    expect(await row.locator('td.reason').textContent()).toContain('<script>window.__pwned=1</script>');
    expect(await row.locator('td.requester').textContent()).toContain('<img src=x onerror=');
    expect(await approvals.locator('main img, main script').count()).toBe(0);
    expect(await pwned(secrets)).toBeUndefined();
    expect(await pwned(approvals)).toBeUndefined();
    await secrets.close();
    await approvals.close();
  });

  it('after a replayed read burst, marks the alert on the chart of reads per minute with the expected band', async () => {
    const { ARN: arn = '' } = await t.clients.sm.send(
      new CreateSecretCommand({ Name: 'console/reads', SecretString: 'not-shown' }),
    );
    const now = t.clock.now().getTime();
    const minuteNow = Math.floor(now / MINUTE) * MINUTE;
    // Twenty-six hours of ordinary reads (the detector warms up for a day), as ingest-reads would have counted them, and the detector that saw them.
    const history = syntheticCounts(minuteNow - 26 * 60 * MINUTE, minuteNow - MINUTE, () => 5);
    await writeCounts(
      t,
      arn,
      history.map(({ timestamp, count }) => ({
        minute: timestamp,
        principals: { 'arn:aws:iam::000000000000:user/app|AKIAAPPREADER0000001': count },
      })),
    );
    await seedDetector(t, arn, minuteNow, () => 5);
    // The burst: a recorded CloudTrail read, 150 times within this minute by one principal.
    const [template] = loadRecordedEvents(['events/recorded/reads-duplicate-burst/01-burst.json']);
    const time = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const burst = Array.from({ length: 150 }, (): { file: string; event: BusEvent } => ({
      file: 'burst',
      event: {
        ...(template?.event as BusEvent),
        id: randomUUID(),
        time,
        detail: {
          ...(template?.event.detail as Record<string, unknown>),
          eventTime: time,
          eventID: randomUUID(),
          requestParameters: { secretId: arn },
        },
      },
    }));
    await replayScenario(inProcess(t.cloud), { setup: { secrets: [] }, events: burst, expected: {} });
    // The reads reach the counters with the trail's next log file (a minute on the local clock) and close two minutes
    // after their minute (the local stage); detect-spikes runs every minute.
    for (let i = 0; i < 8; i++) {
      await t.clock.advance(MINUTE);
      await t.cloud.whenIdle();
    }

    const page = await open(`#/reads/${encodeURIComponent(arn)}`);
    await page.locator(`tr[data-alert="${new Date(minuteNow).toISOString()}"]`).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    const chart = page.locator('.chart');
    await screenshot(page, 'reads-alert');

    expect(await chart.getAttribute('data-alerts')).toBe('1');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(170);
    expect(await page.locator('.chart-summary').textContent()).toContain('normal up to');
    expect(await page.locator('tr[data-alert] td').nth(1).textContent()).toBe('150');
    await page.close();
  });
});
