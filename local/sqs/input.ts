// Reads SQS request members: a missing required member fails as MissingParameter, a wrong JSON type as
// InvalidParameterValue, like SQS's JSON front end.
import { invalidParameterValue, missingParameter, sqsError } from './errors.ts';
import type { MessageAttribute } from './state.ts';

type Input = Record<string, unknown>;

const wrongType = (name: string, expected: string) =>
  sqsError('InvalidParameterValue', `Value for parameter ${name} is invalid. Reason: expected ${expected}.`);

function str(input: Input, name: string, required: true): string;
function str(input: Input, name: string, required?: false): string | undefined;
function str(input: Input, name: string, required = false): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw missingParameter(name);
    return undefined;
  }
  if (typeof value !== 'string') throw wrongType(name, 'a string');
  return value;
}

const int = (input: Input, name: string): number | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(name, 'an integer');
  return value;
};

const strList = (input: Input, name: string): string[] => {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw wrongType(name, 'a list of strings');
  return value;
};

const strMap = (input: Input, name: string): Record<string, string> => {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(name, 'a map');
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw wrongType(`${name}.${key}`, 'a string');
    out[key] = v;
  }
  return out;
};

const objectList = (input: Input, name: string): Input[] => {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
    throw wrongType(name, 'a list of structures');
  }
  return value as Input[];
};

const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;

/** Message attributes as SQS validates them: a typed value per name, at most 10, numbers that parse. */
const messageAttributes = (input: Input, name = 'MessageAttributes'): Record<string, MessageAttribute> => {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(name, 'a map');
  const entries = Object.entries(value as Input);
  if (entries.length > 10) {
    throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  }
  const out: Record<string, MessageAttribute> = {};
  for (const [key, raw] of entries) {
    const attr = (raw ?? {}) as Input;
    const dataType = str(attr, 'DataType');
    if (!dataType)
      throw invalidParameterValue(`The message attribute '${key}' must contain a non-empty attribute type.`);
    const kind = ATTRIBUTE_TYPE.exec(dataType)?.[1];
    if (!kind) throw invalidParameterValue(`The type of message (user) attribute '${key}' is invalid.`);
    if (kind === 'Binary') {
      const binary = str(attr, 'BinaryValue');
      if (binary === undefined) {
        throw invalidParameterValue(`The message attribute '${key}' with type 'Binary' must use field 'Binary'.`);
      }
      out[key] = { DataType: dataType, BinaryValue: binary };
      continue;
    }
    const text = str(attr, 'StringValue');
    if (text === undefined || text === '') {
      throw invalidParameterValue(`The message attribute '${key}' must contain a non-empty message attribute value.`);
    }
    if (kind === 'Number' && !Number.isFinite(Number(text))) {
      throw invalidParameterValue(`Can't cast the value of message (user) attribute '${key}' to a number.`);
    }
    out[key] = { DataType: dataType, StringValue: text };
  }
  return out;
};

export type { Input };
export { int, messageAttributes, objectList, str, strList, strMap };
