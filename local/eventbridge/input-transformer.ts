// EventBridge input transformers: InputPathsMap variables and predefined variables substituted into InputTemplate.
// Compiled once per target: the template is split into text and placeholders, and each path into its keys, so a
// delivery only reads the fields its template uses.

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

type Resolve = (delivery: Delivery) => unknown;

const PREDEFINED: Readonly<Record<string, Resolve>> = {
  'aws.events.rule-arn': (d) => d.ruleArn,
  'aws.events.rule-name': (d) => d.ruleName,
  'aws.events.event.ingestion-time': (d) => d.ingestionTime,
  // Per the docs: `aws.events.event` is the event without `detail`; `.json` is the whole event.
  'aws.events.event': (d) => {
    const { detail: _detail, ...withoutDetail } = d.event;
    return withoutDetail;
  },
  'aws.events.event.json': (d) => d.event,
};

const pathReader = (path: string): Resolve => {
  if (path === '$') return (d) => d.event;
  const keys = path.replace(/^\$\.?/, '').split('.');
  return (d) => {
    let current: unknown = d.event;
    for (const key of keys) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
};

const PLACEHOLDER = /(")?<([A-Za-z0-9_.-]+)>(")?/g;

const compileInputTransformer = (transformer: InputTransformer): ((delivery: Delivery) => string) => {
  const variables = new Map<string, Resolve>(Object.entries(PREDEFINED));
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) variables.set(name, pathReader(path));
  // Alternating text and placeholder parts; unknown placeholders stay as text, as EventBridge leaves them.
  const parts: (string | { resolve: Resolve; quoted: boolean; open: string; close: string })[] = [];
  let last = 0;
  for (const match of transformer.InputTemplate.matchAll(PLACEHOLDER)) {
    const [whole, open = '', name = '', close = ''] = match;
    const resolve = variables.get(name);
    if (!resolve) continue;
    parts.push(transformer.InputTemplate.slice(last, match.index));
    parts.push({ resolve, quoted: open !== '' && close !== '', open, close });
    last = match.index + whole.length;
  }
  parts.push(transformer.InputTemplate.slice(last));
  return (delivery) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      const value = part.resolve(delivery);
      // Inside quotes a string is inserted as text; elsewhere values are inserted as JSON.
      out += part.quoted
        ? JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value ?? null))
        : `${part.open}${value === undefined ? 'null' : JSON.stringify(value)}${part.close}`;
    }
    return out;
  };
};

const transformInput = (transformer: InputTransformer, delivery: Delivery): string =>
  compileInputTransformer(transformer)(delivery);

export type { InputTransformer };
export { compileInputTransformer, transformInput };
