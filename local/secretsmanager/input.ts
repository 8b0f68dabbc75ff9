// Reads request members the way AWS's front end does: wrong JSON types fail as SerializationException, model
// constraints (required, length, range, enum, pattern) are collected and fail together as one ValidationException.
import { serialization, validation } from './errors.ts';

interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
  readonly oneOf?: readonly string[];
  /** Never echo the value in a message (SecretString, SecretBinary). */
  readonly sensitive?: boolean;
}

interface NumberRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

// Coral names members lowerCamelCase in messages: 'secretId', 'filters.1.member.key'.
const memberPath = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

const jsonKind = (value: unknown) => {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'boolean') return value ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return 'VALUE_NUMBER';
};

const wrongType = (path: string, value: unknown, expected: string) =>
  serialization(`Unexpected ${jsonKind(value)} at '${path}': expected ${expected}`);

const quote = (value: unknown, sensitive: boolean | undefined) =>
  sensitive ? 'Value' : `Value '${typeof value === 'string' ? value : JSON.stringify(value)}'`;

const createReader = (input: Record<string, unknown>) => {
  const problems: string[] = [];

  const checkString = (path: string, value: string, rule: StringRule) => {
    const shown = quote(value, rule.sensitive);
    if (rule.min !== undefined && value.length < rule.min) {
      problems.push(
        `${shown} at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value.length > rule.max) {
      problems.push(
        `${shown} at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`,
      );
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      problems.push(
        `${shown} at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.pattern.source}`,
      );
    }
    if (rule.oneOf && !rule.oneOf.includes(value)) {
      problems.push(
        `${shown} at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${rule.oneOf.join(', ')}]`,
      );
    }
  };

  const missing = (path: string) =>
    problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);

  const stringAt = (path: string, value: unknown, rule: StringRule = {}): string | undefined => {
    if (value === undefined || value === null) {
      if (rule.required) missing(path);
      return undefined;
    }
    if (typeof value !== 'string') throw wrongType(path, value, 'a string');
    checkString(path, value, rule);
    return value;
  };

  const string = (key: string, rule: StringRule = {}) => stringAt(memberPath(key), input[key], rule);

  const bool = (key: string): boolean | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw wrongType(memberPath(key), value, 'a boolean');
    return value;
  };

  const numberAt = (path: string, value: unknown, rule: NumberRule = {}): number | undefined => {
    if (value === undefined || value === null) {
      if (rule.required) missing(path);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(path, value, 'an integer');
    if (rule.min !== undefined && value < rule.min) {
      problems.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value > rule.max) {
      problems.push(
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`,
      );
    }
    return value;
  };

  const integer = (key: string, rule: NumberRule = {}) => numberAt(memberPath(key), input[key], rule);

  const list = (key: string, rule: { min?: number; max?: number } = {}): unknown[] | undefined => {
    const value = input[key];
    const path = memberPath(key);
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw wrongType(path, value, 'a list');
    if (rule.min !== undefined && value.length < rule.min) {
      problems.push(
        `Value '[...]' at '${path}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value.length > rule.max) {
      problems.push(
        `Value '[...]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`,
      );
    }
    return value;
  };

  const structure = (key: string): Record<string, unknown> | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    return structureAt(memberPath(key), value);
  };

  const structureAt = (path: string, value: unknown): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw wrongType(path, value, 'a structure');
    }
    return value as Record<string, unknown>;
  };

  /** Throws the collected ValidationException, if any: call once every member has been read. */
  const done = () => {
    if (problems.length > 0) throw validation(problems);
  };

  return { string, stringAt, bool, integer, numberAt, list, structure, structureAt, done };
};

type Reader = ReturnType<typeof createReader>;

export type { Reader, StringRule };
export { createReader, memberPath };
