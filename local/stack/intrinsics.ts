// Resolves the CloudFormation intrinsics serverless.yml uses (Ref, Fn::GetAtt, Fn::Sub, Fn::Join) against the local
// resources, the way CloudFormation would on deploy.

interface LocalResource {
  /** What `Ref` returns: a queue URL, a topic ARN, a table name, a function name, a state machine ARN. */
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

interface Pseudo {
  readonly region: string;
  readonly account: string;
}

type Registry = ReadonlyMap<string, LocalResource>;

const pseudoValue = (name: string, pseudo: Pseudo): string | undefined =>
  ({
    'AWS::Region': pseudo.region,
    'AWS::AccountId': pseudo.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'smcp-local',
    'AWS::NoValue': '',
  })[name];

const lookup = (registry: Registry, id: string, where: string): LocalResource => {
  const resource = registry.get(id);
  if (!resource) throw new Error(`${where}: no local resource "${id}" (is it declared in serverless.yml?)`);
  return resource;
};

const getAtt = (registry: Registry, id: string, attribute: string, where: string): string => {
  const value = lookup(registry, id, where).attributes[attribute];
  if (value === undefined) throw new Error(`${where}: "${id}" has no attribute ${attribute} locally`);
  return value;
};

const resolveIntrinsics = (value: unknown, registry: Registry, pseudo: Pseudo, where = 'serverless.yml'): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, registry, pseudo, where));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, arg] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref') {
    const name = String(arg);
    return pseudoValue(name, pseudo) ?? lookup(registry, name, where).ref;
  }
  if (entries.length === 1 && key === 'Fn::GetAtt') {
    const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
    return getAtt(registry, id ?? '', attribute ?? '', where);
  }
  if (entries.length === 1 && key === 'Fn::Join') {
    const [separator, parts] = arg as [string, unknown[]];
    return parts.map((p) => String(resolveIntrinsics(p, registry, pseudo, where))).join(separator);
  }
  if (entries.length === 1 && key === 'Fn::Sub') {
    const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    return template.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (Object.hasOwn(variables, name)) return String(resolveIntrinsics(variables[name], registry, pseudo, where));
      const pseudoName = pseudoValue(name, pseudo);
      if (pseudoName !== undefined) return pseudoName;
      const [id, attribute] = name.split('.');
      return attribute ? getAtt(registry, id ?? '', attribute, where) : lookup(registry, name, where).ref;
    });
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, registry, pseudo, where)]));
};

export type { LocalResource, Pseudo, Registry };
export { resolveIntrinsics };
