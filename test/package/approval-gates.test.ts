// Every approval wait in every workflow is followed by the record check: a task token alone never moves a workflow on.
// (The attack tests prove the check for each workflow; this keeps a new wait from being added without one.)
import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../local/stack/service-config.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

type State = {
  Type?: string;
  Resource?: unknown;
  Next?: string;
  Parameters?: { FunctionName?: unknown };
  States?: Record<string, State>;
  Iterator?: { States: Record<string, State> };
  ItemProcessor?: { States: Record<string, State> };
  Branches?: { States: Record<string, State> }[];
};

const getAtt = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

/** The function a Task state calls: by its ARN as the Resource, or through lambda:invoke's FunctionName. */
const functionOf = (state: State | undefined): string | undefined =>
  getAtt(state?.Resource) ?? getAtt(state?.Parameters?.FunctionName);

/** Every (states, name) pair, nested Map and Parallel states included, with the workflow it belongs to. */
const allStates = (states: Record<string, State>): [Record<string, State>, string][] =>
  Object.entries(states).flatMap(([name, state]) => [
    [states, name] as [Record<string, State>, string],
    ...[state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].flatMap((inner) =>
      inner ? allStates(inner.States) : [],
    ),
  ]);

describe('approval gates', () => {
  it('follows every wait for an approval with Check … Approval, which calls checkApproval', async () => {
    const config = await loadServiceConfig({ root: ROOT, stage: 'test' });
    const machines = Object.entries(config.stepFunctions?.stateMachines ?? {}) as [
      string,
      { definition: { States: Record<string, State> } },
    ][];
    const gates = machines.flatMap(([workflow, machine]) =>
      allStates(machine.definition.States)
        .filter(([states, name]) => {
          const state = states[name];
          return (
            state?.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' &&
            functionOf(state) === 'RequestApprovalLambdaFunction'
          );
        })
        .map(([states, name]) => {
          const next = states[name]?.Next;
          return { workflow, wait: name, next, calls: functionOf(next ? states[next] : undefined) };
        }),
    );

    // Rotation, the read-anomaly response, replica repair and cleanup each ask for approvals.
    expect(new Set(gates.map((g) => g.workflow)).size).toBeGreaterThanOrEqual(4);
    for (const gate of gates) {
      expect(gate.next, `${gate.workflow}: ${gate.wait}`).toMatch(/^Check .*Approval$/);
      expect(gate.calls, `${gate.workflow}: ${gate.next}`).toBe('CheckApprovalLambdaFunction');
    }
  }, 120_000);
});
