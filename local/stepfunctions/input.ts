// Reads request members as AWS's front end does: a wrong JSON type is a SerializationException, model constraints
// (required, length, range) are collected and fail together as one ValidationException.
import { serialization, validation } from './errors.ts';

interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** Never echo the value (task tokens, execution input). */
  readonly sensitive?: boolean;
}

interface NumberRule {
  readonly min?: number;
  readonly max?: number;
}

const createReader = (input: Record<string, unknown>) => {
  const problems: string[] = [];

  const string = (key: string, rule: StringRule = {}): string | undefined => {
    const value = input[key];
    if (value === undefined || value === null) {
      if (rule.required) problems.push(`Value null at '${key}' failed to satisfy constraint: Member must not be null`);
      return undefined;
    }
    if (typeof value !== 'string') throw serialization(`Unexpected value at '${key}': expected a string`);
    const shown = rule.sensitive ? 'Value' : `Value '${value}'`;
    if (rule.min !== undefined && value.length < rule.min) {
      problems.push(
        `${shown} at '${key}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value.length > rule.max) {
      problems.push(
        `${shown} at '${key}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`,
      );
    }
    return value;
  };

  const integer = (key: string, rule: NumberRule = {}): number | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw serialization(`Unexpected value at '${key}': expected an integer`);
    }
    if (rule.min !== undefined && value < rule.min) {
      problems.push(
        `Value '${value}' at '${key}' failed to satisfy constraint: Member must have value greater than or equal to ${rule.min}`,
      );
    }
    if (rule.max !== undefined && value > rule.max) {
      problems.push(
        `Value '${value}' at '${key}' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`,
      );
    }
    return value;
  };

  const bool = (key: string): boolean | undefined => {
    const value = input[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw serialization(`Unexpected value at '${key}': expected a boolean`);
    return value;
  };

  /** Throws the collected ValidationException, if any: call once every member has been read. */
  const done = () => {
    if (problems.length > 0) throw validation(problems);
  };

  return { string, integer, bool, done };
};

export { createReader };
