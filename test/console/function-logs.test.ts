// The functions' own output while they share the local cloud's process: each function's JSON log lines in its own
// file, nothing of them on the terminal, and their warnings as one short line each.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../local/clock.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { printWarnings } from '../../local/lambda/warnings.ts';
import { clientsFor, freePort } from '../support/local-cloud.ts';
import { requestRotation } from './support.ts';

const CANARY = 'canary-log-2d7e-DO-NOT-LEAK';
let dir: string;
let cloud: LocalCloud;
let stopped = false;
const printed: string[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smcp-logs-'));
  const capture = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  cloud = await startLocalCloud({
    port: await freePort(),
    clock: createManualClock('2026-01-05T09:00:00Z'),
    log: () => {},
    functionLogs: { dir, onLine: printWarnings((line) => warnings.push(line)) },
  });
}, 60_000);

afterAll(async () => {
  if (!stopped) await cloud.stop();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('function logs', () => {
  it('go to <dir>/<function>.jsonl, one JSON line each, and the terminal gets none of them', async () => {
    await clientsFor(cloud.url).sm.send(
      new CreateSecretCommand({
        Name: 'logs/app',
        SecretString: JSON.stringify({ password: CANARY }),
        Tags: [
          { Key: 'smcp:rotation', Value: 'orchestrated' },
          { Key: 'smcp:strategy', Value: 'random-password' },
          { Key: 'smcp:approval', Value: 'required' },
        ],
      }),
    );
    await requestRotation({ cloud, clock: createManualClock(), clients: clientsFor(cloud.url), logs: [] }, 'logs/app');
    // Stopping closes the files: everything written is on disk.
    await cloud.stop();
    stopped = true;
    const files = readdirSync(dir).sort();
    const plan = readFileSync(join(dir, 'smcp-local-rotationPlan.jsonl'), 'utf8').trim().split('\n');
    const everything = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');

    expect(files).toEqual(expect.arrayContaining(['smcp-local-dispatch.jsonl', 'smcp-local-rotationPlan.jsonl']));
    expect(plan.map((line) => JSON.parse(line))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'Rotation planned', function_name: 'smcp-local-rotationPlan' }),
      ]),
    );
    expect(printed.join('')).not.toContain('"level"');
    expect(everything).not.toContain(CANARY);
    expect(warnings).toContain(
      '  ! smcp-local-requestApproval warn: No approval link key: approval requests go out without links',
    );
  });

  it('reduce a warning to its level, function and message, with control characters removed', () => {
    const seen: string[] = [];
    const warn = printWarnings((line) => seen.push(line));

    warn('fn', JSON.stringify({ level: 'INFO', message: 'fine' }));
    warn('fn', 'not json');
    warn('fn', JSON.stringify({ level: 'ERROR', message: 'broke\u001b[2J\nhere', secretId: 'x' }));

    expect(seen).toEqual(['  ! fn error: broke[2J here']);
  });
});
