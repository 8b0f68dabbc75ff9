// SQS's request reader: the shared JSON-protocol reader in SQS's words (a missing member is MissingParameter, a wrong
// JSON type InvalidParameterValue), and message attributes as SQS validates them.
import { createReader as createJsonReader, type Reader, type Structure } from '../json-protocol/reader.ts';
import { errors, invalidParameterValue } from './errors.ts';
import type { MessageAttribute } from './state.ts';

const createReader = (input: Structure): Reader => createJsonReader(input, errors);

const ATTRIBUTE_TYPE = /^(String|Number|Binary)(\..+)?$/;
const MAX_ATTRIBUTES = 10;

/** Message attributes as SQS validates them: a typed value per name, at most 10, numbers that parse. */
const messageAttributes = (read: Reader, key = 'MessageAttributes'): Record<string, MessageAttribute> => {
  const raw = read.structure(key);
  if (raw === undefined) return {};
  const entries = Object.entries(raw);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  }
  const out: Record<string, MessageAttribute> = {};
  for (const [name, value] of entries) {
    const attr = createReader((value ?? {}) as Structure);
    const dataType = attr.string('DataType');
    if (!dataType)
      throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty attribute type.`);
    const kind = ATTRIBUTE_TYPE.exec(dataType)?.[1];
    if (!kind) throw invalidParameterValue(`The type of message (user) attribute '${name}' is invalid.`);
    if (kind === 'Binary') {
      const binary = attr.string('BinaryValue');
      if (binary === undefined) {
        throw invalidParameterValue(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      }
      out[name] = { DataType: dataType, BinaryValue: binary };
      continue;
    }
    const text = attr.string('StringValue');
    if (text === undefined || text === '') {
      throw invalidParameterValue(`The message attribute '${name}' must contain a non-empty message attribute value.`);
    }
    if (kind === 'Number' && !Number.isFinite(Number(text))) {
      throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    out[name] = { DataType: dataType, StringValue: text };
  }
  return out;
};

export type { Reader, Structure };
export { createReader, messageAttributes };
