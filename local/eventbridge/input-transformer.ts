// EventBridge input transformers: InputPathsMap variables and predefined variables substituted into InputTemplate.

interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

interface Delivery {
  readonly event: Record<string, unknown>;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly ingestionTime: string;
}

const readPath = (value: unknown, path: string): unknown => {
  if (path === '$') return value;
  let current = value;
  for (const key of path.replace(/^\$\.?/, '').split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
};

const transformInput = (transformer: InputTransformer, delivery: Delivery): string => {
  const { detail: _detail, ...withoutDetail } = delivery.event;
  const variables: Record<string, unknown> = {
    'aws.events.rule-arn': delivery.ruleArn,
    'aws.events.rule-name': delivery.ruleName,
    'aws.events.event.ingestion-time': delivery.ingestionTime,
    // Per the docs: `aws.events.event` is the event without `detail`; `.json` is the whole event.
    'aws.events.event': withoutDetail,
    'aws.events.event.json': delivery.event,
  };
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    variables[name] = readPath(delivery.event, path);
  }
  return transformer.InputTemplate.replace(/(")?<([A-Za-z0-9_.-]+)>(")?/g, (whole, open, name: string, close) => {
    if (!Object.hasOwn(variables, name)) return whole;
    const value = variables[name];
    // Inside quotes a string is inserted as text; elsewhere values are inserted as JSON.
    if (open && close) return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value ?? null));
    return `${open ?? ''}${value === undefined ? 'null' : JSON.stringify(value)}${close ?? ''}`;
  });
};

export type { InputTransformer };
export { transformInput };
