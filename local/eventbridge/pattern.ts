/**
 * EventBridge event-pattern matching, as the real service does it.
 *
 * EventBridge is built on aws/event-ruler, so compilation follows Ruler's JsonRuleCompiler (same checks, same order,
 * same error texts) and matching follows Ruler's array-consistent matcher (`rulesForJSONEvent`). The reference is
 * test/data/eventbridge-patterns/SEMANTICS.md and the AWS-validated vectors beside it.
 *
 * Compile once, match many times: compilation expands `$or` into sub-rules (as Ruler does) and builds one field trie
 * per sub-rule; matching walks the event along the trie only, allocates nothing in the common case, and stops at the
 * first sub-rule that matches.
 */
import { InvalidEventPatternError } from './errors.ts';

type Scalar = string | number | boolean | null;
type ValueTest = (value: Scalar) => boolean;

/** What the pattern says about one flattened field (a leaf array): OR of its tests, `exists` and absence. */
interface Leaf {
  readonly tests: ValueTest[];
  readonly exists: boolean;
  readonly absent: boolean;
}

/** One pattern path segment: the leaf at this exact path and/or the fields nested under it. */
interface Child {
  readonly key: string;
  leaf: Leaf | null;
  node: TrieNode | null;
  // True when every condition at or under this segment is `exists: false`; such a child must hold for every element
  // of an event array (the field must be absent from all of them), not just for one.
  absenceOnly: boolean;
  // True when this child matches an event in which the segment is missing altogether.
  passesWhenMissing: boolean;
  // True when the key names an Object.prototype member ("constructor", "toString"…): only then is a plain property
  // read unsafe, so only then does matching pay for an own-property check.
  readonly inherited: boolean;
}

/** A joined multi-segment key ("state.status") that an event may use instead of nesting: Ruler flattens with ".". */
interface DottedKey {
  readonly key: string;
  readonly head: string;
  readonly rest: string;
}

interface TrieNode {
  readonly children: Child[];
  dotted: DottedKey[];
  passesWhenMissing: boolean;
  absenceOnly: boolean;
}

interface CompiledPattern {
  // One trie per sub-rule; the pattern matches when any of them does (the `$or` expansion).
  readonly subRules: readonly TrieNode[];
}

const OR_KEYWORD = '$or';

// Field names Ruler refuses inside an `$or` branch (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP).
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const MESSAGES = {
  tooManyNumeric: 'Too many elements in numeric expression',
  oneKey: 'Only one key allowed in match expression',
  anythingButValue: 'Value of anything-but must be an array or single string/number value.',
  anythingButList: 'Inside anything but list, start|null|boolean is not supported.',
  anythingButMixed: 'Inside anything but list, either all values are number or string, mixed type is not supported',
  anythingButIgnoreCase: 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  prefixSuffix: 'prefix/suffix match pattern must be a string',
  nullPrefixSuffix: 'Null prefix/suffix not allowed',
  wildcardString: 'wildcard match pattern must be a string',
  ignoreCaseString: 'equals-ignore-case match pattern must be a string',
  tooComplex:
    'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
} as const;

// EventBridge does not publish its wildcard complexity limit. With Ruler's measure (wildcardComplexity below, which
// reproduces the expectations of Ruler's MachineComplexityEvaluatorTest), AWS rejected "*:*:*:*:*:event-bus/*" (11)
// and four "*:stack/<name>/*" patterns on one field (12), and accepted three of those (9) and every wildcard in the
// vectors (at most 7). A limit of 10 is consistent with all of them; 11 would be too.
const WILDCARD_COMPLEXITY_LIMIT = 10;

const fail = (reason: string): never => {
  throw new InvalidEventPatternError(reason);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Jackson's getText() of the token a value starts with: what Ruler quotes in "Invalid member…" style errors. */
const tokenText = (value: unknown): string => {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (isPlainObject(value)) return '{';
  return String(value);
};

// ---------------------------------------------------------------------------------------------------------------
// IP addresses, as Ruler's CIDR class reads them (java.net.InetAddress behind two regexes)

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

// Scratch space for event-side parsing, so matching a CIDR allocates nothing (JavaScript runs this synchronously).
const scratchIp = new Uint8Array(16);

const looksLikeIp = (text: string): boolean => IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);

/** Parses an IP literal into `out`; returns 4, 16, or 0 when the text is not a valid literal. */
const parseIpInto = (text: string, out: Uint8Array): number => {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.');
    for (let i = 0; i < 4; i++) {
      const part = parts[i] ?? '';
      // Java refuses ambiguous (octal-looking) literals and more than 3 digits; both then fail as host names.
      if (part.length > 3 || (part.length > 1 && part.startsWith('0'))) return 0;
      const byte = Number(part);
      if (byte > 255) return 0;
      out[i] = byte;
    }
    return 4;
  }
  if (!IPV6_SHAPE.test(text)) return 0;
  const halves = text.split('::');
  if (halves.length > 2) return 0;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const groups = head.length + tail.length;
  if (halves.length === 2 ? groups > 7 : groups !== 8) return 0;
  const words: number[] = [];
  for (const group of head) words.push(hexWord(group));
  for (let i = groups; i < 8; i++) words.push(0);
  for (const group of tail) words.push(hexWord(group));
  if (halves.length === 1) words.length = 8;
  for (let i = 0; i < 8; i++) {
    const word = words[i] ?? -1;
    if (word < 0) return 0;
    out[i * 2] = word >> 8;
    out[i * 2 + 1] = word & 0xff;
  }
  // InetAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into an Inet4Address.
  let mapped = out[10] === 0xff && out[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) if (out[i] !== 0) mapped = false;
  if (mapped) {
    out.copyWithin(0, 12, 16);
    return 4;
  }
  return 16;
};

const hexWord = (group: string): number => (/^[0-9a-fA-F]{1,4}$/.test(group) ? Number.parseInt(group, 16) : -1);

const compareBytes = (a: Uint8Array, b: Uint8Array, length: number): number => {
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

/** Java's String.split drops trailing empty strings; "10.0.0.0/" therefore has no mask at all. */
const javaSplit = (text: string, separator: string): string[] => {
  const parts = text.split(separator);
  if (parts.length > 1) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

const compileCidr = (operand: unknown): ValueTest => {
  // Ruler's own message for a non-string cidr operand says "prefix" (AWS-validated).
  if (typeof operand !== 'string') return fail('prefix match pattern must be a string');
  const slashed = javaSplit(operand, '/');
  if (slashed.length !== 2) return fail("Malformed CIDR, one '/' required");
  const [address = '', maskText = ''] = slashed;
  const maskBits = /^[+-]?[0-9]+$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(maskBits) || maskBits > 2147483647 || maskBits < -2147483648) {
    return fail('Malformed CIDR, mask bits must be an integer');
  }
  if (maskBits < 0) return fail('Malformed CIDR, mask bits must not be negative');
  if (!looksLikeIp(address)) return fail(`Nonstandard IP address: ${address}`);
  const base = new Uint8Array(16);
  const length = parseIpInto(address, base);
  if (length === 0) return fail(`Invalid IP address: ${address}`);
  if (length === 4 && maskBits > 31) return fail('IPv4 mask bits must be < 32');
  if (length === 16 && maskBits > 127) return fail('IPv6 mask bits must be < 128');
  const low = new Uint8Array(length);
  const high = new Uint8Array(length);
  let variableBits = length * 8 - maskBits;
  for (let i = length - 1; i >= 0; i--) {
    const byte = base[i] ?? 0;
    const bits = Math.min(8, Math.max(0, variableBits));
    const hostMask = (1 << bits) - 1;
    low[i] = byte & ~hostMask & 0xff;
    high[i] = byte | hostMask;
    variableBits -= 8;
  }
  return (value) => {
    if (typeof value !== 'string' || !looksLikeIp(value)) return false;
    const parsed = parseIpInto(value, scratchIp);
    return parsed === length && compareBytes(scratchIp, low, length) >= 0 && compareBytes(scratchIp, high, length) <= 0;
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Wildcards

interface ParsedWildcard {
  // The literal pieces between unescaped '*': "a*b*c" → ["a", "b", "c"].
  readonly pieces: string[];
  // Ruler's token form of the quoted value, for the complexity check: a byte, or -1 for '*'.
  readonly tokens: number[];
}

const utf8 = new TextEncoder();

/** Ruler's WildcardParser, run over the quoted value as Ruler does, so error positions count the leading quote. */
const parseWildcard = (text: string): ParsedWildcard => {
  const bytes = utf8.encode(`"${text}"`);
  const pieces: string[] = [];
  const tokens: number[] = [];
  let piece: number[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte === 0x2a) {
      if (bytes[i + 1] === 0x2a) fail(`Consecutive wildcard characters at pos ${i}`);
      tokens.push(-1);
      pieces.push(decoder.decode(Uint8Array.from(piece)));
      piece = [];
    } else if (byte === 0x5c) {
      const next = bytes[i + 1];
      if (next !== 0x2a && next !== 0x5c) fail(`Invalid escape character at pos ${i}`);
      tokens.push(next ?? 0);
      piece.push(next ?? 0);
      i++;
    } else {
      tokens.push(byte);
      piece.push(byte);
    }
  }
  pieces.push(decoder.decode(Uint8Array.from(piece)));
  // Strip the quotes Ruler wraps the value in: they are the first and last literal bytes.
  const first = pieces[0] ?? '';
  pieces[0] = first.slice(1);
  const last = pieces[pieces.length - 1] ?? '';
  pieces[pieces.length - 1] = last.slice(0, -1);
  return { pieces, tokens };
};

/** Glob match with '*' only: anchored first and last pieces, leftmost search for the middle ones (no backtracking). */
const wildcardMatches = (pieces: readonly string[], value: string): boolean => {
  const count = pieces.length;
  const first = pieces[0] ?? '';
  if (count === 1) return value === first;
  const last = pieces[count - 1] ?? '';
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < count - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
};

/**
 * Ruler's MachineComplexityEvaluator measure for the wildcard patterns of one field: the most "wildcard rule
 * prefixes" one input can keep alive at once, counted per transition taken, plus each wildcard loop a transition
 * enters without already being on it. Explores the subset automaton and stops as soon as the limit is reached.
 */
const wildcardComplexity = (patterns: readonly number[][], limit: number): number => {
  const alphabet = new Set<number>([-2]); // -2 stands for any byte no pattern names
  for (const tokens of patterns) for (const token of tokens) if (token >= 0) alphabet.add(token);
  const isStar = (p: number, state: number): boolean => state > 0 && patterns[p]?.[state - 1] === -1;
  const close = (p: number, state: number, into: Set<string>): void => {
    into.add(`${p}:${state}`);
    if (patterns[p]?.[state] === -1) into.add(`${p}:${state + 1}`);
  };
  const start = new Set<string>();
  for (let p = 0; p < patterns.length; p++) close(p, 0, start);
  const seen = new Set<string>();
  const queue: Set<string>[] = [start];
  let max = 0;
  while (queue.length > 0 && seen.size < 20_000) {
    const current = queue.shift() ?? new Set<string>();
    const id = [...current].sort().join(',');
    if (seen.has(id)) continue;
    seen.add(id);
    for (const byte of alphabet) {
      const loops = new Set<string>();
      const entries: [number, number][] = [];
      for (const member of current) {
        const [p = 0, state = 0] = member.split(':').map(Number);
        if (isStar(p, state)) loops.add(member);
        if (byte >= 0 && patterns[p]?.[state] === byte) entries.push([p, state + 1]);
      }
      let size = loops.size;
      const next = new Set<string>();
      for (const loop of loops) next.add(loop);
      for (const [p, state] of entries) {
        size += 1;
        close(p, state, next);
        // Entering a state that a wildcard follows also counts that wildcard's loop, unless it is already taken.
        if (patterns[p]?.[state] === -1 && !loops.has(`${p}:${state + 1}`)) size += 1;
      }
      if (size >= limit) return limit;
      if (size > max) max = size;
      if (next.size > 0) queue.push(next);
    }
  }
  return max;
};

// ---------------------------------------------------------------------------------------------------------------
// Match expressions ({ "prefix": … }, { "numeric": … }, …)

interface CompiledExpression {
  readonly test?: ValueTest;
  readonly exists?: boolean;
  readonly wildcard?: number[];
}

const onlyKey = (expression: Record<string, unknown>, message: string = MESSAGES.oneKey): void => {
  if (Object.keys(expression).length > 1) fail(message);
};

const lowerCase = (text: string): string => text.toLowerCase();

const compilePrefixOrSuffix = (
  operator: 'prefix' | 'suffix',
  operand: unknown,
  expression: Record<string, unknown>,
): ValueTest => {
  if (isPlainObject(operand)) {
    const [inner] = Object.keys(operand);
    const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (inner === undefined) return fail(`${label} expression name not found`);
    if (inner !== 'equals-ignore-case') return fail(`Unsupported ${operator} pattern: ${inner}`);
    const text = operand[inner];
    if (typeof text !== 'string') return fail(MESSAGES.ignoreCaseString);
    onlyKey(operand);
    onlyKey(expression);
    const folded = lowerCase(text);
    const length = text.length;
    return operator === 'prefix'
      ? (value) => typeof value === 'string' && value.length >= length && lowerCase(value.slice(0, length)) === folded
      : (value) =>
          typeof value === 'string' &&
          value.length >= length &&
          lowerCase(value.slice(value.length - length)) === folded;
  }
  if (typeof operand !== 'string') return fail(`${operator} match pattern must be a string`);
  onlyKey(expression);
  return operator === 'prefix'
    ? (value) => typeof value === 'string' && value.startsWith(operand)
    : (value) => typeof value === 'string' && value.endsWith(operand);
};

const compileNumeric = (operand: unknown, expression: Record<string, unknown>): ValueTest => {
  if (!Array.isArray(operand)) return fail('Value of numeric must be an array.');
  const terms: unknown[] = operand;
  const operator = terms[0];
  if (typeof operator !== 'string') return fail(`Invalid member in numeric match: ${tokenText(operator)}`);
  const first = terms[1];
  const numeric = (value: unknown): value is number => typeof value === 'number';
  let test: ValueTest;
  if (operator === '=' || operator === '<' || operator === '<=') {
    if (!numeric(first)) return fail(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`);
    if (terms.length > 2) fail(MESSAGES.tooManyNumeric);
    test =
      operator === '='
        ? (value) => value === first
        : operator === '<'
          ? (value) => typeof value === 'number' && value < first
          : (value) => typeof value === 'number' && value <= first;
  } else if (operator === '>' || operator === '>=') {
    if (!numeric(first)) return fail(`Value of ${operator} must be numeric`);
    const openBottom = operator === '>';
    if (terms.length === 2) {
      test = openBottom
        ? (value) => typeof value === 'number' && value > first
        : (value) => typeof value === 'number' && value >= first;
    } else {
      const upperOperator = terms[2];
      if (typeof upperOperator !== 'string') return fail(`Bad value in numeric range: ${tokenText(upperOperator)}`);
      if (upperOperator !== '<' && upperOperator !== '<=') return fail(`Bad numeric range operator: ${upperOperator}`);
      const top = terms[3];
      if (!numeric(top)) return fail(`Value of ${upperOperator} must be numeric`);
      if (terms.length > 4) fail('Too many terms in numeric range expression');
      if (first >= top) fail('Bottom must be less than top');
      const openTop = upperOperator === '<';
      test = (value) =>
        typeof value === 'number' &&
        (openBottom ? value > first : value >= first) &&
        (openTop ? value < top : value <= top);
    }
  } else {
    return fail(`Unrecognized numeric range operator: ${operator}`);
  }
  onlyKey(expression, MESSAGES.tooManyNumeric);
  return test;
};

const compileAnythingBut = (operand: unknown, expression: Record<string, unknown>): CompiledExpression => {
  if (isPlainObject(operand)) {
    const [kind] = Object.keys(operand);
    if (kind === undefined) return fail('Anything-But expression name not found');
    if (kind !== 'equals-ignore-case' && kind !== 'prefix' && kind !== 'suffix' && kind !== 'wildcard') {
      return fail(`Unsupported anything-but pattern: ${kind}`);
    }
    const inner = operand[kind];
    if (!Array.isArray(inner) && typeof inner !== 'string' && typeof inner !== 'number') {
      return fail(MESSAGES.anythingButValue);
    }
    const values: string[] = [];
    for (const item of Array.isArray(inner) ? (inner as unknown[]) : [inner]) {
      if (typeof item !== 'string') {
        if (kind === 'equals-ignore-case') return fail(MESSAGES.anythingButIgnoreCase);
        if (kind === 'wildcard') return fail(MESSAGES.wildcardString);
        return fail(MESSAGES.prefixSuffix);
      }
      if ((kind === 'prefix' || kind === 'suffix') && item === '') fail(MESSAGES.nullPrefixSuffix);
      values.push(item);
    }
    onlyKey(operand, MESSAGES.tooManyNumeric);
    onlyKey(expression, MESSAGES.tooManyNumeric);
    // Every form matches a value of another type (a number, null, a boolean): only strings can be excluded.
    if (kind === 'prefix') {
      return { test: (value) => typeof value !== 'string' || !values.some((prefix) => value.startsWith(prefix)) };
    }
    if (kind === 'suffix') {
      return { test: (value) => typeof value !== 'string' || !values.some((suffix) => value.endsWith(suffix)) };
    }
    if (kind === 'equals-ignore-case') {
      const folded = new Set(values.map(lowerCase));
      return { test: (value) => typeof value !== 'string' || !folded.has(lowerCase(value)) };
    }
    const parsed = values.map((text) => parseWildcard(text).pieces);
    return { test: (value) => typeof value !== 'string' || !parsed.some((pieces) => wildcardMatches(pieces, value)) };
  }
  if (!Array.isArray(operand) && typeof operand !== 'string' && typeof operand !== 'number') {
    return fail(MESSAGES.anythingButValue);
  }
  const items: unknown[] = Array.isArray(operand) ? operand : [operand];
  let strings = 0;
  let numbers = 0;
  for (const item of items) {
    if (typeof item === 'string') strings++;
    else if (typeof item === 'number') numbers++;
    else fail(MESSAGES.anythingButList);
  }
  if ((strings > 0 && numbers > 0) || strings + numbers === 0) fail(MESSAGES.anythingButMixed);
  onlyKey(expression, MESSAGES.tooManyNumeric);
  if (numbers > 0) {
    // Numbers are excluded by numeric equality (Ruler's ComparableNumber): 300 also excludes 300.0.
    const excluded = items as number[];
    return { test: (value) => typeof value !== 'number' || !excluded.includes(value) };
  }
  const excluded = new Set(items as string[]);
  return { test: (value) => typeof value !== 'string' || !excluded.has(value) };
};

const compileExpression = (expression: Record<string, unknown>): CompiledExpression => {
  const [operator] = Object.keys(expression);
  if (operator === undefined) return fail('Match expression name not found');
  const operand = expression[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { test: compilePrefixOrSuffix(operator, operand, expression) };
    case 'numeric':
      return { test: compileNumeric(operand, expression) };
    case 'anything-but':
      return compileAnythingBut(operand, expression);
    case 'exists': {
      if (typeof operand !== 'boolean') return fail('exists match pattern must be either true or false.');
      onlyKey(expression);
      return { exists: operand };
    }
    case 'cidr': {
      const test = compileCidr(operand);
      onlyKey(expression);
      return { test };
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') return fail(MESSAGES.ignoreCaseString);
      onlyKey(expression);
      const folded = lowerCase(operand);
      return { test: (value) => typeof value === 'string' && lowerCase(value) === folded };
    }
    case 'wildcard': {
      if (typeof operand !== 'string') return fail(MESSAGES.wildcardString);
      const { pieces, tokens } = parseWildcard(operand);
      onlyKey(expression);
      return { test: (value) => typeof value === 'string' && wildcardMatches(pieces, value), wildcard: tokens };
    }
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
};

const compileExactString = (text: string): ValueTest => {
  // Ruler compiles a string that is an IP literal into a one-address range, so "10.0.0.1" and the same address
  // written another way ("::ffff:a00:1") are equal.
  if (looksLikeIp(text)) {
    const bytes = new Uint8Array(16);
    const length = parseIpInto(text, bytes);
    if (length > 0) {
      return (value) =>
        value === text ||
        (typeof value === 'string' &&
          looksLikeIp(value) &&
          parseIpInto(value, scratchIp) === length &&
          compareBytes(scratchIp, bytes, length) === 0);
    }
  }
  return (value) => value === text;
};

interface CompiledLeaf {
  readonly leaf: Leaf;
  readonly wildcards: number[][];
}

const compileLeaf = (values: unknown[]): CompiledLeaf => {
  const tests: ValueTest[] = [];
  const wildcards: number[][] = [];
  let exists = false;
  let absent = false;
  for (const value of values) {
    if (typeof value === 'string') {
      tests.push(compileExactString(value));
    } else if (typeof value === 'number') {
      // Ruler adds a numeric-equality matcher for a number literal: [300] matches 300.0 (AWS-validated).
      tests.push((candidate) => candidate === value);
    } else if (value === null || typeof value === 'boolean') {
      tests.push((candidate) => candidate === value);
    } else if (isPlainObject(value)) {
      const compiled = compileExpression(value);
      if (compiled.test) tests.push(compiled.test);
      if (compiled.exists === true) exists = true;
      if (compiled.exists === false) absent = true;
      if (compiled.wildcard) wildcards.push(compiled.wildcard);
    } else {
      fail('Match value must be String, number, true, false, or null');
    }
  }
  if (values.length === 0) fail('Empty arrays are not allowed');
  return { leaf: { tests, exists, absent }, wildcards };
};

// ---------------------------------------------------------------------------------------------------------------
// Structure: Ruler's JsonRuleCompiler walk, producing sub-rules of flattened field paths

type SubRule = Map<string, CompiledLeaf>;

const joinPath = (path: readonly string[], key: string): string =>
  path.length === 0 ? key : `${path.join('.')}.${key}`;

const parseObject = (
  rules: SubRule[],
  path: string[],
  object: Record<string, unknown>,
  insideOr: boolean,
): SubRule[] => {
  let current = rules;
  const keys = Object.keys(object);
  for (const key of keys) {
    if (key === OR_KEYWORD) {
      current = parseOr(current, path, object[key]);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(`${key} is Ruler reserved fieldName which cannot be used inside ${OR_KEYWORD}.`);
    }
    const value = object[key];
    if (isPlainObject(value)) {
      path.push(key);
      current = parseObject(current, path, value, insideOr);
      path.pop();
    } else if (Array.isArray(value)) {
      const leaf = compileLeaf(value);
      if (current.length === 0) current = [new Map()];
      // Duplicate paths (a repeated key, or "a.b" next to {"a":{"b":…}}): the last one wins, as in EventBridge.
      for (const rule of current) rule.set(joinPath(path, key), leaf);
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  if (keys.length === 0) fail('Empty objects are not allowed');
  return current;
};

const parseOr = (rules: SubRule[], path: string[], value: unknown): SubRule[] => {
  if (!Array.isArray(value)) return fail(`It must be an Array followed with ${OR_KEYWORD}.`);
  const expanded: SubRule[] = [];
  for (const branch of value as unknown[]) {
    if (!isPlainObject(branch)) fail(`Only JSON object is allowed in array of ${OR_KEYWORD} relationship.`);
    const copies = rules.length === 0 ? [new Map()] : rules.map((rule) => new Map(rule));
    expanded.push(...parseObject(copies, path, branch as Record<string, unknown>, true));
  }
  if (value.length < 2) fail(`There must have at least 2 Objects in ${OR_KEYWORD} relationship.`);
  return expanded;
};

// ---------------------------------------------------------------------------------------------------------------
// Tries

/**
 * Returns the engine's canonical copy of a property name. Keys built by split() or concatenation are fresh strings;
 * V8 then re-hashes them on every lookup, which made a match several times slower.
 */
const canonicalKey = (key: string): string => Object.keys({ [key]: 0 })[0] ?? key;

const newNode = (): TrieNode => ({ children: [], dotted: [], passesWhenMissing: true, absenceOnly: true });

const buildTrie = (rule: SubRule): TrieNode => {
  const root = newNode();
  for (const [path, { leaf }] of rule) {
    // Ruler flattens both pattern and event paths with ".", so a dotted pattern key is the same path as nesting.
    const segments = path.split('.');
    let node = root;
    for (let i = 0; i < segments.length; i++) {
      const key = canonicalKey(segments[i] ?? '');
      let child = node.children.find((candidate) => candidate.key === key);
      if (!child) {
        const inherited = key in Object.prototype;
        child = { key, leaf: null, node: null, absenceOnly: true, passesWhenMissing: true, inherited };
        node.children.push(child);
      }
      if (i === segments.length - 1) {
        child.leaf = leaf;
      } else {
        child.node ??= newNode();
        node = child.node;
      }
    }
  }
  finishNode(root);
  return root;
};

/** Computes the derived flags bottom-up and the dotted alternatives an event may use for deeper paths. */
const finishNode = (node: TrieNode): void => {
  for (const child of node.children) {
    let absenceOnly = true;
    let passes = true;
    if (child.leaf) {
      absenceOnly = child.leaf.absent && !child.leaf.exists && child.leaf.tests.length === 0;
      passes = child.leaf.absent;
    }
    if (child.node) {
      finishNode(child.node);
      absenceOnly &&= child.node.absenceOnly;
      passes &&= child.node.passesWhenMissing;
      for (const deeper of descendantPaths(child.node)) {
        node.dotted.push({ key: canonicalKey(`${child.key}.${deeper}`), head: child.key, rest: canonicalKey(deeper) });
      }
    }
    child.absenceOnly = absenceOnly;
    child.passesWhenMissing = passes;
    node.absenceOnly &&= absenceOnly;
    node.passesWhenMissing &&= passes;
  }
};

const descendantPaths = (node: TrieNode): string[] => {
  const paths: string[] = [];
  for (const child of node.children) {
    paths.push(child.key);
    if (child.node) for (const deeper of descendantPaths(child.node)) paths.push(`${child.key}.${deeper}`);
  }
  return paths;
};

// ---------------------------------------------------------------------------------------------------------------
// Matching

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

const own = (object: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(object, key) ? object[key] : undefined;

const matchLeaf = (leaf: Leaf, value: unknown): boolean => {
  // Objects have no value at this path (Ruler flattens them into deeper paths): for the leaf, they are absent.
  if (value === undefined || (typeof value === 'object' && value !== null)) return leaf.absent;
  if (leaf.exists) return true;
  const tests = leaf.tests;
  for (let i = 0; i < tests.length; i++) if ((tests[i] as ValueTest)(value as Scalar)) return true;
  return false;
};

/**
 * Matches one pattern segment against the event value found there. An event array is "crushed" as in Ruler: the
 * segment matches when one element satisfies everything under it (element-consistent, like rulesForJSONEvent), or,
 * for absence-only conditions, when no element holds the field.
 */
const matchChild = (child: Child, value: unknown): boolean => {
  if (Array.isArray(value)) {
    if (value.length === 0) return child.passesWhenMissing;
    if (child.absenceOnly) {
      for (let i = 0; i < value.length; i++) if (!matchChild(child, value[i])) return false;
      return true;
    }
    for (let i = 0; i < value.length; i++) if (matchChild(child, value[i])) return true;
    return false;
  }
  if (child.leaf && !matchLeaf(child.leaf, value)) return false;
  if (child.node) {
    return isPlainObject(value) ? matchNode(child.node, value) : child.node.passesWhenMissing;
  }
  return true;
};

const matchNode = (node: TrieNode, object: Record<string, unknown>): boolean => {
  let source = object;
  const dotted = node.dotted;
  for (let i = 0; i < dotted.length; i++) {
    // A plain read is safe here: no Object.prototype member has a dot in its name.
    if (object[(dotted[i] as DottedKey).key] !== undefined) {
      source = renest(node, object);
      break;
    }
  }
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i] as Child;
    const value = child.inherited ? own(source, child.key) : source[child.key];
    if (!matchChild(child, value)) return false;
  }
  return true;
};

/**
 * Rare path: the event spells a pattern path with a dotted key ({"state.status": …} for state → status). Moves such
 * values one level down under their first segment so the trie walk sees them; deeper dots are handled the same way
 * one level below.
 */
const renest = (node: TrieNode, object: Record<string, unknown>): Record<string, unknown> => {
  const result: Record<string, unknown> = { ...object };
  for (const { key, head, rest } of node.dotted) {
    // A deeper dotted key ("a.b.c") moves one segment at a time: "a" receives "b.c", and its node handles the rest.
    if (!Object.hasOwn(object, key)) continue;
    const moved = object[key];
    const existing = own(result, head);
    if (existing === undefined) {
      result[head] = { [rest]: moved };
    } else if (isPlainObject(existing)) {
      result[head] = Object.hasOwn(existing, rest)
        ? { ...existing, [rest]: [existing[rest], moved] }
        : { ...existing, [rest]: moved };
    } else if (Array.isArray(existing)) {
      // A dotted value belongs to no array element, so it is consistent with each of them.
      let placed = false;
      const elements = existing.map((element: unknown) => {
        if (!isPlainObject(element)) return element;
        placed = true;
        return { ...element, [rest]: moved };
      });
      result[head] = placed ? elements : [...elements, { [rest]: moved }];
    } else {
      result[head] = [existing, { [rest]: moved }];
    }
  }
  return result;
};

// ---------------------------------------------------------------------------------------------------------------
// Public API

const parsePatternText = (pattern: string): unknown => {
  try {
    return JSON.parse(pattern);
  } catch (error) {
    // AWS quotes its JSON parser's message here; ours differs in wording, not in kind.
    throw new InvalidEventPatternError(`Filter is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
};

/** Validates a pattern exactly as EventBridge does and compiles it for repeated matching. */
const compilePattern = (pattern: string | object): CompiledPattern => {
  const parsed = typeof pattern === 'string' ? parsePatternText(pattern) : pattern;
  if (!isPlainObject(parsed)) return fail('Filter is not an object');
  const rules = parseObject([], [], parsed, false);

  // Wildcard complexity is judged per field over every sub-rule, as Ruler's evaluator walks one machine per field.
  const wildcardsByPath = new Map<string, Map<string, number[]>>();
  for (const rule of rules) {
    for (const [path, { wildcards }] of rule) {
      if (wildcards.length === 0) continue;
      const unique = wildcardsByPath.get(path) ?? new Map<string, number[]>();
      for (const tokens of wildcards) unique.set(tokens.join(','), tokens);
      wildcardsByPath.set(path, unique);
    }
  }
  for (const unique of wildcardsByPath.values()) {
    if (wildcardComplexity([...unique.values()], WILDCARD_COMPLEXITY_LIMIT) >= WILDCARD_COMPLEXITY_LIMIT) {
      fail(MESSAGES.tooComplex);
    }
  }
  return { subRules: rules.map(buildTrie) };
};

/** True when the event matches the compiled pattern. */
const matches = (compiled: CompiledPattern, event: object): boolean => {
  const root = isPlainObject(event) ? event : EMPTY;
  const subRules = compiled.subRules;
  for (let i = 0; i < subRules.length; i++) if (matchNode(subRules[i] as TrieNode, root)) return true;
  return false;
};

/** One-shot convenience, like the TestEventPattern API: compiles (and validates) the pattern, then matches. */
const testEventPattern = (pattern: string | object, event: object): boolean => matches(compilePattern(pattern), event);

export { type CompiledPattern, compilePattern, matches, testEventPattern };
