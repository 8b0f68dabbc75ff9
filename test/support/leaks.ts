// What a scenario said, everywhere a secret value could leak to, and the check that none did.
import { inspect } from 'node:util';
import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import type { TestCloud } from './local-cloud.ts';

interface Observed extends Pick<TestCloud, 'cloud' | 'clients' | 'logs'> {
  readonly output: readonly string[];
  readonly busEvents: readonly BusEvent[];
}

/** One execution's whole history, every page, through the API as an operator reads it. */
/** Whatever holds a Step Functions client: a test cloud, or a harness's own client. */
interface WithSfn {
  readonly clients: Pick<TestCloud['clients'], 'sfn'>;
}

const executionHistory = async ({ clients }: WithSfn, executionArn: string): Promise<HistoryEvent[]> => {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: true, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
};

/** Every execution's whole history with its data. */
const historyText = async (h: Pick<TestCloud, 'cloud' | 'clients'>): Promise<string> => {
  const texts: string[] = [];
  for (const execution of h.cloud.stepfunctions.executions()) {
    texts.push(JSON.stringify(await executionHistory(h, execution.executionArn)));
  }
  return texts.join('\n');
};

/** No value in any terminal line, log line, bus event, execution history (with data), notification or execution record. */
const expectNoSecretValues = async (h: Observed, values: Iterable<string>): Promise<void> => {
  const haystack = [
    h.output.join(''),
    h.logs.join('\n'),
    JSON.stringify(h.busEvents),
    await historyText(h),
    JSON.stringify(h.cloud.sns?.outbox() ?? []),
    inspect(h.cloud.stepfunctions.executions(), { depth: 10 }),
  ].join('\n');
  for (const value of values) {
    // Values travel JSON-escaped too: look for both spellings.
    expect(haystack.includes(value), 'a secret value leaked').toBe(false);
    expect(haystack.includes(JSON.stringify(value).slice(1, -1)), 'a secret value leaked (escaped)').toBe(false);
  }
};

/**
 * What an attacker with states:GetExecutionHistory holds: the token of the execution's last scheduled task (an approval
 * wait's), read from the history's parameters. Empty when the history shows none.
 */
const stolenTaskToken = async (h: WithSfn, executionArn: string): Promise<string> => {
  const scheduled = (await executionHistory(h, executionArn)).filter((e) => e.type === 'TaskScheduled').at(-1);
  const parameters = JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}');
  return String(parameters.Payload?.taskToken ?? '');
};

export { executionHistory, expectNoSecretValues, historyText, stolenTaskToken };
