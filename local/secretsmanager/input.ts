// Secrets Manager's request reader: the shared JSON-protocol reader in Secrets Manager's (Coral's) words.
import { createReader as createJsonReader, type Reader, type StringRule } from '../json-protocol/reader.ts';
import { errors } from './errors.ts';

const createReader = (input: Record<string, unknown>): Reader => createJsonReader(input, errors);

export type { Reader, StringRule };
export { createReader };
