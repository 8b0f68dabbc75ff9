// Step Functions' request reader: the shared JSON-protocol reader in Step Functions' (Coral's) words.
import { createReader as createJsonReader, type Reader } from '../json-protocol/reader.ts';
import { errors } from './errors.ts';

const createReader = (input: Record<string, unknown>): Reader => createJsonReader(input, errors);

export { createReader };
