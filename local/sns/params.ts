// Reads the query protocol's flattened members: `MessageAttributes.entry.1.Name`, `Attributes.entry.1.key`,
// `Tags.member.1.Key`.
import { invalidParameter } from './errors.ts';

interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  /** base64, as the query protocol carries blobs. */
  readonly BinaryValue?: string;
}

const required = (params: URLSearchParams, name: string): string => {
  const value = params.get(name);
  if (value === null) throw invalidParameter(`${name}`);
  return value;
};

/** Indexed entries of `prefix.1.…`, `prefix.2.…` until a gap, as the SDK numbers them from 1. */
const entries = (params: URLSearchParams, prefix: string): Map<string, string>[] => {
  const out: Map<string, string>[] = [];
  for (let i = 1; ; i++) {
    const head = `${prefix}.${i}.`;
    const fields = new Map<string, string>();
    for (const [key, value] of params) if (key.startsWith(head)) fields.set(key.slice(head.length), value);
    if (fields.size === 0) return out;
    out.push(fields);
  }
};

const messageAttributes = (params: URLSearchParams): Record<string, MessageAttribute> => {
  const out: Record<string, MessageAttribute> = {};
  for (const fields of entries(params, 'MessageAttributes.entry')) {
    const name = fields.get('Name');
    const dataType = fields.get('Value.DataType');
    if (!name || !dataType) throw invalidParameter('MessageAttributes: every attribute needs a Name and a DataType');
    const string = fields.get('Value.StringValue');
    const binary = fields.get('Value.BinaryValue');
    if (string === undefined && binary === undefined) {
      throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value.`);
    }
    out[name] = {
      DataType: dataType,
      ...(string === undefined ? {} : { StringValue: string }),
      ...(binary === undefined ? {} : { BinaryValue: binary }),
    };
  }
  return out;
};

const keyValues = (params: URLSearchParams, prefix: string, key: string, value: string): Record<string, string> =>
  Object.fromEntries(
    entries(params, prefix).map((fields) => [fields.get(key) ?? '', fields.get(value) ?? ''] as const),
  );

export type { MessageAttribute };
export { keyValues, messageAttributes, required };
