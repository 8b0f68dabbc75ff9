// Resource-based policies as IAM evaluates them, for the local cloud's resources that have one (a secret, an event
// bus). The local cloud has no identity policies, so every caller is allowed by default and only an explicit Deny
// refuses: evaluation answers whether a policy denies a request, and which statement does.
//
// What is evaluated: Effect, Principal / NotPrincipal (`*`, an account id or `arn:…:root` for every principal of that
// account, an exact user or role ARN — a role ARN also matches its sessions — or an exact session ARN),
// Action / NotAction and Resource / NotResource (with `*` and `?` wildcards, actions case-insensitively), and
// Condition with the String*, Arn*, Bool and Null operators, their …IfExists forms and ForAnyValue: / ForAllValues:,
// on the global keys of the caller (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
// aws:username, aws:SecureTransport) and whatever keys the service adds (events:source, secretsmanager:SecretId, …).
// A Deny statement with an operator this file does not evaluate is taken to apply (fail closed); validatePolicy()
// reports such operators, and ValidateResourcePolicy answers with them.
import type { Caller } from './identity.ts';

type Json = unknown;

interface Statement {
  readonly Sid?: Json;
  readonly Effect?: Json;
  readonly Principal?: Json;
  readonly NotPrincipal?: Json;
  readonly Action?: Json;
  readonly NotAction?: Json;
  readonly Resource?: Json;
  readonly NotResource?: Json;
  readonly Condition?: Json;
}

interface PolicyRequest {
  readonly caller: Caller;
  /** `service:Operation`, e.g. `secretsmanager:GetSecretValue`. */
  readonly action: string;
  /** The resource's ARN. */
  readonly resource: string;
  /** Service condition keys of this request (lower-case names are compared case-insensitively, as IAM does). */
  readonly keys?: Readonly<Record<string, string | readonly string[] | undefined>>;
}

interface Decision {
  readonly denied: boolean;
  /** The Sid (or the index) of the statement that denies. */
  readonly by?: string;
}

interface ValidationError {
  readonly CheckName: string;
  readonly ErrorMessage: string;
}

const list = (value: Json): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const strings = (value: Json): string[] => list(value).filter((v): v is string => typeof v === 'string');

const globToRegExp = (pattern: string, flags = ''): RegExp =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  );
const glob = (pattern: string, value: string, ignoreCase = false) =>
  globToRegExp(pattern, ignoreCase ? 'i' : '').test(value);

// --- Principal ---------------------------------------------------------------------------------------------------

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/** Whether one entry of a Principal's AWS list names the caller. */
const namesCaller = (entry: string, caller: Caller): boolean => {
  if (entry === '*') return true;
  if (ACCOUNT_ID.test(entry)) return caller.account === entry;
  const root = ROOT_ARN.exec(entry);
  if (root) return caller.account === root[1];
  // A role's ARN names each of its sessions; a session's ARN only that session.
  return entry === caller.principalArn || entry === caller.arn;
};

const principalMatches = (principal: Json, caller: Caller): boolean => {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  // Service and Federated principals never sign the local cloud's requests.
  return strings((principal as { AWS?: Json }).AWS).some((entry) => namesCaller(entry, caller));
};

// --- Conditions --------------------------------------------------------------------------------------------------

const globalKeys = (caller: Caller): Record<string, string> => ({
  'aws:principalarn': caller.principalArn,
  'aws:principalaccount': caller.account,
  'aws:principaltype': caller.type === 'IAMUser' ? 'User' : caller.type === 'Root' ? 'Account' : 'AssumedRole',
  'aws:userid': caller.userId,
  ...(caller.userName ? { 'aws:username': caller.userName } : {}),
  // The endpoint is plain HTTP on loopback.
  'aws:securetransport': 'false',
});

type Compare = (actual: string, expected: string) => boolean;

// Every operator this file evaluates: how one value of the request compares with one value of the policy, and whether
// the operator is a negation (true when no value matches, and when the key is absent).
const OPERATORS: Readonly<Record<string, { compare: Compare; negated: boolean }>> = {
  StringEquals: { compare: (a, e) => a === e, negated: false },
  StringNotEquals: { compare: (a, e) => a === e, negated: true },
  StringEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: true },
  StringLike: { compare: (a, e) => glob(e, a), negated: false },
  StringNotLike: { compare: (a, e) => glob(e, a), negated: true },
  ArnEquals: { compare: (a, e) => a === e, negated: false },
  ArnNotEquals: { compare: (a, e) => a === e, negated: true },
  ArnLike: { compare: (a, e) => glob(e, a), negated: false },
  ArnNotLike: { compare: (a, e) => glob(e, a), negated: true },
  Bool: { compare: (a, e) => a.toLowerCase() === e.toLowerCase(), negated: false },
};

const SET_PREFIX = /^(ForAnyValue|ForAllValues):/;

/** The operator's name without its set prefix and IfExists suffix, and whether it is one this file evaluates. */
const parseOperator = (name: string) => {
  const set = SET_PREFIX.exec(name)?.[1] as 'ForAnyValue' | 'ForAllValues' | undefined;
  const bare = name.replace(SET_PREFIX, '');
  const ifExists = bare.endsWith('IfExists');
  const base = ifExists ? bare.slice(0, -'IfExists'.length) : bare;
  const known = base === 'Null' || Object.hasOwn(OPERATORS, base);
  return { set, base, ifExists, known };
};

/** true / false, or undefined when the operator is not one this file evaluates. */
const conditionHolds = (condition: Json, keys: Readonly<Record<string, readonly string[]>>): boolean | undefined => {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return undefined;
  for (const [name, block] of Object.entries(condition)) {
    const { set, base, ifExists, known } = parseOperator(name);
    if (!known || typeof block !== 'object' || block === null) return undefined;
    for (const [key, expectedRaw] of Object.entries(block)) {
      const expected = strings(expectedRaw).concat(
        list(expectedRaw)
          .filter((v) => typeof v === 'boolean')
          .map(String),
      );
      const actual = keys[key.toLowerCase()];
      if (base === 'Null') {
        const wantsAbsent = expected.some((e) => e.toLowerCase() === 'true');
        if ((actual === undefined) !== wantsAbsent) return false;
        continue;
      }
      const op = OPERATORS[base];
      if (!op) return undefined;
      if (actual === undefined || actual.length === 0) {
        // An absent key: IfExists passes, a negated operator holds, anything else does not (ForAllValues holds on an
        // empty set, as IAM's does).
        if (ifExists || op.negated || set === 'ForAllValues') continue;
        return false;
      }
      const one = (value: string) => {
        const any = expected.some((e) => op.compare(value, e));
        return op.negated ? !any : any;
      };
      const holds = set === 'ForAllValues' ? actual.every(one) : actual.some(one);
      if (!holds) return false;
    }
  }
  return true;
};

// --- Evaluation --------------------------------------------------------------------------------------------------

const parseDocument = (policy: string | object): { Statement?: Json } | undefined => {
  if (typeof policy !== 'string') return policy as { Statement?: Json };
  try {
    const parsed = JSON.parse(policy) as Json;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { Statement?: Json }) : undefined;
  } catch {
    return undefined;
  }
};

const statementsOf = (doc: { Statement?: Json } | undefined): Statement[] =>
  list(doc?.Statement).filter((s): s is Statement => typeof s === 'object' && s !== null);

const applies = (s: Statement, request: PolicyRequest) => {
  const { caller, action, resource } = request;
  if (s.Principal !== undefined && !principalMatches(s.Principal, caller)) return false;
  if (s.NotPrincipal !== undefined && principalMatches(s.NotPrincipal, caller)) return false;
  if (s.Principal === undefined && s.NotPrincipal === undefined) return false;
  if (s.Action !== undefined && !strings(s.Action).some((a) => glob(a, action, true))) return false;
  if (s.NotAction !== undefined && strings(s.NotAction).some((a) => glob(a, action, true))) return false;
  if (s.Resource !== undefined && !strings(s.Resource).some((r) => glob(r, resource))) return false;
  if (s.NotResource !== undefined && strings(s.NotResource).some((r) => glob(r, resource))) return false;
  return true;
};

/** Whether `policy` explicitly denies the request (a policy that cannot be read denies nothing: it was refused). */
const evaluatePolicy = (policy: string | object | undefined, request: PolicyRequest): Decision => {
  if (policy === undefined) return { denied: false };
  const keys: Record<string, readonly string[]> = {};
  for (const [key, value] of Object.entries({ ...globalKeys(request.caller), ...request.keys })) {
    if (value !== undefined) keys[key.toLowerCase()] = typeof value === 'string' ? [value] : value;
  }
  const statements = statementsOf(parseDocument(policy));
  for (const [i, s] of statements.entries()) {
    if (s.Effect !== 'Deny' || !applies(s, request)) continue;
    // Fail closed: a Deny whose condition cannot be evaluated here is taken to apply.
    if (conditionHolds(s.Condition, keys) !== false) {
      return { denied: true, by: typeof s.Sid === 'string' ? s.Sid : `Statement[${i}]` };
    }
  }
  return { denied: false };
};

// --- Validation --------------------------------------------------------------------------------------------------

const ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:assumed-role\/[^/]+\/[^/]+)$/;

/**
 * What ValidateResourcePolicy reports for a policy that parses: structural problems (IAM's policy grammar), what the
 * local cloud cannot evaluate, and access for anyone (Secrets Manager's BlockPublicPolicy check). Undefined when the
 * text is not a JSON object (the caller answers MalformedPolicyDocumentException).
 */
const validatePolicy = (policy: string): ValidationError[] | undefined => {
  const doc = parseDocument(policy);
  if (doc === undefined || Array.isArray(doc)) return undefined;
  const errors: ValidationError[] = [];
  const syntax = (message: string) => errors.push({ CheckName: 'SYNTAX_CHECK', ErrorMessage: message });
  const statements = list(doc.Statement);
  if (statements.length === 0) syntax('The policy has no Statement.');
  for (const [i, raw] of statements.entries()) {
    const at = `Statement[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      syntax(`${at} is not an object.`);
      continue;
    }
    const s = raw as Statement;
    for (const element of Object.keys(s))
      if (!ELEMENTS.has(element)) syntax(`${at} has an unknown element ${element}.`);
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') syntax(`${at}: Effect must be Allow or Deny.`);
    if ((s.Action === undefined) === (s.NotAction === undefined))
      syntax(`${at} needs exactly one of Action or NotAction.`);
    if ((s.Principal === undefined) === (s.NotPrincipal === undefined)) {
      syntax(`${at} needs exactly one of Principal or NotPrincipal (a resource policy names who it applies to).`);
    }
    for (const principal of [s.Principal, s.NotPrincipal]) {
      if (principal === undefined || principal === '*') continue;
      for (const entry of typeof principal === 'object' && principal !== null
        ? strings((principal as { AWS?: Json }).AWS)
        : []) {
        if (entry !== '*' && !ACCOUNT_ID.test(entry) && !PRINCIPAL_ARN.test(entry)) {
          syntax(`${at}: ${entry.slice(0, 200)} is not a valid principal.`);
        } else if (entry !== '*' && /[*?]/.test(entry)) {
          syntax(`${at}: a principal ARN cannot contain wildcards (${entry.slice(0, 200)}).`);
        }
      }
    }
    if (s.Condition !== undefined) {
      if (typeof s.Condition !== 'object' || s.Condition === null) syntax(`${at}: Condition must be an object.`);
      else {
        for (const name of Object.keys(s.Condition)) {
          if (!parseOperator(name).known) {
            errors.push({
              CheckName: 'LOCAL_CLOUD_UNSUPPORTED',
              ErrorMessage: `${at}: the local cloud does not evaluate the condition operator ${name.slice(0, 100)}; a Deny with it is taken to apply.`,
            });
          }
        }
      }
    }
    const anyone =
      s.Principal === '*' ||
      (typeof s.Principal === 'object' &&
        s.Principal !== null &&
        strings((s.Principal as { AWS?: Json }).AWS).includes('*'));
    if (s.Effect === 'Allow' && anyone && s.Condition === undefined) {
      errors.push({
        CheckName: 'BROAD_ACCESS_CHECK',
        ErrorMessage: `${at} grants access to any principal: the policy would make the secret public.`,
      });
    }
  }
  return errors;
};

export type { Decision, PolicyRequest, ValidationError };
export { evaluatePolicy, validatePolicy };
