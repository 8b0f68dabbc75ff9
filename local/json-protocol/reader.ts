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

/**
 * One request's reader. A class, not a bundle of closures: every call makes one, and most read a member or two. A
 * member's name as messages word it is only worked out for a message.
 */
class JsonReader {
  readonly #input: Structure;
  readonly #errors: ErrorVocabulary;
  readonly #problems: string[] = [];

  constructor(input: Structure, errors: ErrorVocabulary) {
    this.#input = input;
    this.#errors = errors;
  }

  path(key: string): string {
    return this.#errors.memberName(key);
  }

  #missing(at: string): void {
    if (this.#errors.missing) throw this.#errors.missing(at);
    this.#problems.push(broken('Value null', at, 'not be null'));
  }

  #length(shown: string, at: string, size: number, rule: LengthRule): void {
    if (rule.min !== undefined && size < rule.min) {
      this.#problems.push(broken(shown, at, `have length greater than or equal to ${rule.min}`));
    }
    if (rule.max !== undefined && size > rule.max) {
      this.#problems.push(broken(shown, at, `have length less than or equal to ${rule.max}`));
    }
  }

  /** A string member at `at`, or at the path of `key` (worked out only when needed). */
  #string(at: string | undefined, key: string, value: unknown, rule: StringRule): string | undefined {
    if (absent(value)) {
      if (rule.required) this.#missing(at ?? this.path(key));
      return undefined;
    }
    if (typeof value !== 'string') throw this.#errors.wrongType(at ?? this.path(key), value, 'a string');
    const tooShort = rule.min !== undefined && value.length < rule.min;
    const tooLong = rule.max !== undefined && value.length > rule.max;
    const unlike = rule.pattern !== undefined && !rule.pattern.test(value);
    const unlisted = rule.oneOf !== undefined && !rule.oneOf.includes(value);
    // Most values break no rule: the quoted value and the member's path are only made for a message.
    if (!tooShort && !tooLong && !unlike && !unlisted) return value;
    const where = at ?? this.path(key);
    const shown = quote(value, rule.sensitive);
    this.#length(shown, where, value.length, rule);
    if (unlike)
      this.#problems.push(broken(shown, where, `satisfy regular expression pattern: ${rule.pattern?.source}`));
    if (unlisted) this.#problems.push(broken(shown, where, `satisfy enum value set: [${rule.oneOf?.join(', ')}]`));
    return value;
  }

  string(key: string, rule: StringRule = {}): string | undefined {
    return this.#string(undefined, key, this.#input[key], rule);
  }

  stringAt(at: string, value: unknown, rule: StringRule = {}): string | undefined {
    return this.#string(at, at, value, rule);
  }

  /** A required string that fails at once when missing, whatever the service's habit. */
  required(key: string): string {
    const value = this.#string(undefined, key, this.#input[key], { required: true });
    if (value === undefined) throw this.#errors.validation(this.#problems);
    return value;
  }

  integerAt(at: string, value: unknown, rule: NumberRule = {}): number | undefined {
    if (absent(value)) {
      if (rule.required) this.#missing(at);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.#errors.wrongType(at, value, 'an integer');
    if (rule.min !== undefined && value < rule.min) {
      this.#problems.push(broken(`Value '${value}'`, at, `have value greater than or equal to ${rule.min}`));
    }
    if (rule.max !== undefined && value > rule.max) {
      this.#problems.push(broken(`Value '${value}'`, at, `have value less than or equal to ${rule.max}`));
    }
    return value;
  }

  integer(key: string, rule: NumberRule = {}): number | undefined {
    return this.integerAt(this.path(key), this.#input[key], rule);
  }

  bool(key: string): boolean | undefined {
    const value = this.#input[key];
    if (absent(value)) return undefined;
    if (typeof value !== 'boolean') throw this.#errors.wrongType(this.path(key), value, 'a boolean');
    return value;
  }

  structureAt(at: string, value: unknown): Structure {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.#errors.wrongType(at, value, 'a structure');
    }
    return value as Structure;
  }

  structure(key: string): Structure | undefined {
    const value = this.#input[key];
    return absent(value) ? undefined : this.structureAt(this.path(key), value);
  }

  listAt(at: string, value: unknown, rule: LengthRule = {}): unknown[] | undefined {
    if (absent(value)) return undefined;
    if (!Array.isArray(value)) throw this.#errors.wrongType(at, value, 'a list');
    // Coral quotes the list; an empty one is unambiguous, a longer one is elided (its members may be sensitive).
    this.#length(value.length === 0 ? `Value '[]'` : `Value '[...]'`, at, value.length, rule);
    return value;
  }

  list(key: string, rule: LengthRule = {}): unknown[] | undefined {
    return this.listAt(this.path(key), this.#input[key], rule);
  }

  /** A list of strings; absent is empty. */
  stringList(key: string): string[] {
    const value = this.#input[key];
    if (absent(value)) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw this.#errors.wrongType(this.path(key), value, 'a list of strings');
    }
    return value;
  }

  /** A map of strings; absent is empty. */
  stringMap(key: string): Record<string, string> {
    const value = this.#input[key];
    if (absent(value)) return {};
    const map = this.structureAt(this.path(key), value);
    for (const [name, v] of Object.entries(map)) {
      if (typeof v !== 'string') throw this.#errors.wrongType(`${this.path(key)}.${name}`, v, 'a string');
    }
    return map as Record<string, string>;
  }

  /** A list of structures; absent is empty. */
  structureList(key: string): Structure[] {
    const value = this.#input[key];
    if (absent(value)) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      throw this.#errors.wrongType(this.path(key), value, 'a list of structures');
    }
    return value as Structure[];
  }

  /** Throws the collected problems, if any: call once every member has been read. */
  done(): void {
    if (this.#problems.length > 0) throw this.#errors.validation(this.#problems);
  }
}

const createReader = (input: Structure, errors: ErrorVocabulary): JsonReader => new JsonReader(input, errors);

type Reader = JsonReader;

export type { LengthRule, NumberRule, Reader, StringRule, Structure };
export { createReader };
