// Reads request members the way AWS's front ends do, in the service's own words (see errors.ts): a member of the wrong
// JSON type fails at once; model constraints (required, length, range, enum, pattern) are collected and fail together
// when done() is called, unless the service fails a missing member at once (SQS).
import type { ErrorVocabulary } from './errors.ts';

interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly oneOf?: readonly string[];
  /** Never echo the value in a message (secret values, task tokens, execution input). */
  readonly sensitive?: boolean;
}

interface NumberRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

interface LengthRule {
  readonly min?: number;
  readonly max?: number;
}

type Structure = Record<string, unknown>;

const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

const quote = (value: unknown, sensitive: boolean | undefined) =>
  sensitive ? 'Value' : `Value '${typeof value === 'string' ? value : JSON.stringify(value)}'`;

const broken = (shown: string, path: string, constraint: string) =>
  `${shown} at '${path}' failed to satisfy constraint: Member must ${constraint}`;

const createReader = (input: Structure, errors: ErrorVocabulary) => {
  const problems: string[] = [];
  const path = (key: string) => errors.memberName(key);

  const missing = (at: string) => {
    if (errors.missing) throw errors.missing(at);
    problems.push(broken('Value null', at, 'not be null'));
  };

  const length = (shown: string, at: string, size: number, rule: LengthRule) => {
    if (rule.min !== undefined && size < rule.min) {
      problems.push(broken(shown, at, `have length greater than or equal to ${rule.min}`));
    }
    if (rule.max !== undefined && size > rule.max) {
      problems.push(broken(shown, at, `have length less than or equal to ${rule.max}`));
    }
  };

  const stringAt = (at: string, value: unknown, rule: StringRule = {}): string | undefined => {
    if (absent(value)) {
      if (rule.required) missing(at);
      return undefined;
    }
    if (typeof value !== 'string') throw errors.wrongType(at, value, 'a string');
    const tooShort = rule.min !== undefined && value.length < rule.min;
    const tooLong = rule.max !== undefined && value.length > rule.max;
    const unlike = rule.pattern !== undefined && !rule.pattern.test(value);
    const unlisted = rule.oneOf !== undefined && !rule.oneOf.includes(value);
    // Most values break no rule: the quoted value is only made for a message.
    if (!tooShort && !tooLong && !unlike && !unlisted) return value;
    const shown = quote(value, rule.sensitive);
    length(shown, at, value.length, rule);
    if (unlike) problems.push(broken(shown, at, `satisfy regular expression pattern: ${rule.pattern?.source}`));
    if (unlisted) problems.push(broken(shown, at, `satisfy enum value set: [${rule.oneOf?.join(', ')}]`));
    return value;
  };

  const integerAt = (at: string, value: unknown, rule: NumberRule = {}): number | undefined => {
    if (absent(value)) {
      if (rule.required) missing(at);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw errors.wrongType(at, value, 'an integer');
    if (rule.min !== undefined && value < rule.min) {
      problems.push(broken(`Value '${value}'`, at, `have value greater than or equal to ${rule.min}`));
    }
    if (rule.max !== undefined && value > rule.max) {
      problems.push(broken(`Value '${value}'`, at, `have value less than or equal to ${rule.max}`));
    }
    return value;
  };

  const boolAt = (at: string, value: unknown): boolean | undefined => {
    if (absent(value)) return undefined;
    if (typeof value !== 'boolean') throw errors.wrongType(at, value, 'a boolean');
    return value;
  };

  const structureAt = (at: string, value: unknown): Structure => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw errors.wrongType(at, value, 'a structure');
    }
    return value as Structure;
  };

  const listAt = (at: string, value: unknown, rule: LengthRule = {}): unknown[] | undefined => {
    if (absent(value)) return undefined;
    if (!Array.isArray(value)) throw errors.wrongType(at, value, 'a list');
    // Coral quotes the list; an empty one is unambiguous, a longer one is elided (its members may be sensitive).
    length(value.length === 0 ? `Value '[]'` : `Value '[...]'`, at, value.length, rule);
    return value;
  };

  /** A list of strings; absent is empty. */
  const stringList = (key: string): string[] => {
    const value = input[key];
    if (absent(value)) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw errors.wrongType(path(key), value, 'a list of strings');
    }
    return value;
  };

  /** A map of strings; absent is empty. */
  const stringMap = (key: string): Record<string, string> => {
    const value = input[key];
    if (absent(value)) return {};
    const map = structureAt(path(key), value);
    for (const [name, v] of Object.entries(map)) {
      if (typeof v !== 'string') throw errors.wrongType(`${path(key)}.${name}`, v, 'a string');
    }
    return map as Record<string, string>;
  };

  /** A list of structures; absent is empty. */
  const structureList = (key: string): Structure[] => {
    const value = input[key];
    if (absent(value)) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      throw errors.wrongType(path(key), value, 'a list of structures');
    }
    return value as Structure[];
  };

  /** A required string that fails at once when missing, whatever the service's habit. */
  const required = (key: string): string => {
    const value = stringAt(path(key), input[key], { required: true });
    if (value === undefined) throw errors.validation(problems);
    return value;
  };

  /** Throws the collected problems, if any: call once every member has been read. */
  const done = () => {
    if (problems.length > 0) throw errors.validation(problems);
  };

  return {
    path,
    string: (key: string, rule: StringRule = {}) => stringAt(path(key), input[key], rule),
    stringAt,
    required,
    integer: (key: string, rule: NumberRule = {}) => integerAt(path(key), input[key], rule),
    integerAt,
    bool: (key: string) => boolAt(path(key), input[key]),
    list: (key: string, rule: LengthRule = {}) => listAt(path(key), input[key], rule),
    listAt,
    structure: (key: string): Structure | undefined =>
      absent(input[key]) ? undefined : structureAt(path(key), input[key]),
    structureAt,
    stringList,
    stringMap,
    structureList,
    done,
  };
};

type Reader = ReturnType<typeof createReader>;

export type { LengthRule, NumberRule, Reader, StringRule, Structure };
export { createReader };
