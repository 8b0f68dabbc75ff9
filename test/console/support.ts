// The console's tests: Debian's Chromium driven by playwright-core (never a downloaded browser), a fresh profile per
// run, one screenshot per test under test-results/, and helpers that put events on the local cloud's bus.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { inProcess, replayScenario } from '../../local/replay/engine.ts';
import type { TestCloud } from '../support/local-cloud.ts';

const CHROMIUM = '/usr/bin/chromium';
const RESULTS = new URL('../../test-results/', import.meta.url).pathname;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface Browser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const launchBrowser = async (): Promise<Browser> => {
  const profile = mkdtempSync(join(tmpdir(), 'smcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    newPage: async () => {
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};

/** Saves what the page shows as test-results/console-<name>.png. */
const screenshot = async (page: Page, name: string) => {
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: join(RESULTS, `console-${name}.png`), fullPage: true });
};

/** A `Rotation Requested` on the bus, as `smcp rotate` puts it there, run until nothing can progress. */
const requestRotation = async (t: TestCloud, secretId: string, detail: Record<string, unknown> = {}) => {
  const event: BusEvent = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Rotation Requested',
    source: 'smcp',
    account: '000000000000',
    time: t.clock.now().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { secretId, reason: 'console test', requestedBy: 'alice', ...detail },
  };
  const run = await replayScenario(inProcess(t.cloud), {
    setup: { secrets: [] },
    events: [{ file: 'console-test', event }],
    expected: {},
  });
  return run.executions;
};

export { launchBrowser, requestRotation, screenshot };
