// Which workflow each EventBridge rule starts and what a valid event for it looks like, derived from the rule files:
// the workflow and detail schema are named in the file, the source and detail-type are its pattern's (a schedule's
// events are `aws.events` / `Scheduled Event`). Nothing here repeats a rule file.
import { type DetailContract, type DetailSchema, details, isDetailSchemaName } from './details.ts';
import { type RuleFile, ruleFiles } from './rules.ts';

interface Route {
  readonly workflow: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: DetailSchema;
  readonly secretId: DetailContract['secretId'];
}

const INTERNAL_SOURCE = 'smcp';

/** The one value a pattern field must hold for a dispatch rule: the dispatcher checks the event against it. */
const single = (name: string, field: string, values: readonly string[] | undefined): string => {
  if (values?.length !== 1 || typeof values[0] !== 'string') {
    throw new TypeError(`events/rules/${name}.json: a dispatch rule's pattern names exactly one ${field}`);
  }
  return values[0];
};

const routeOf = (name: string, rule: RuleFile): Route => {
  const fail = (why: string) => {
    throw new TypeError(`events/rules/${name}.json: ${why}`);
  };
  if (typeof rule.workflow !== 'string') return fail('a dispatch rule names its workflow');
  const schemaName = rule.detailSchema ?? '';
  if (!isDetailSchemaName(schemaName)) {
    return fail(`detailSchema "${schemaName}" is not one of ${Object.keys(details).join(', ')}`);
  }
  const contract: DetailContract = details[schemaName];
  const pattern = rule.eventPattern;
  const source = pattern ? single(name, 'source', pattern.source) : 'aws.events';
  // The control plane's own events start workflows only from its own bus, whose policy keeps other principals out: on
  // the default bus anyone with events:PutEvents could start one (scripts/sls/rules.cjs checks the same at package).
  if (source === INTERNAL_SOURCE && rule.bus !== 'smcp') {
    return fail(`a rule for source "${INTERNAL_SOURCE}" events listens on the smcp bus ("bus": "smcp")`);
  }
  return {
    workflow: rule.workflow,
    source,
    detailType: pattern ? single(name, 'detail-type', pattern['detail-type']) : 'Scheduled Event',
    detail: contract.schema(pattern?.detail?.eventName ?? []),
    secretId: contract.secretId,
  };
};

/** Every rule whose target is the dispatcher, by rule name (the events/rules/ file name). */
const routes: ReadonlyMap<string, Route> = new Map(
  Object.entries(ruleFiles)
    .filter(([, rule]) => rule.target === 'dispatch')
    .map(([name, rule]) => [name, routeOf(name, rule)]),
);

export type { Route };
export { routeOf, routes };
