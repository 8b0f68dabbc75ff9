// Batch entry checks shared by SendMessageBatch and DeleteMessageBatch, and the per-entry failure shape.
import { AwsError } from '../protocol.ts';
import { batchEntryIdsNotDistinct, emptyBatchRequest, invalidBatchEntryId, tooManyEntries } from './errors.ts';
import { createReader, type Structure } from './input.ts';

const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

const checkEntries = (entries: readonly Structure[]): string[] => {
  if (entries.length === 0) throw emptyBatchRequest();
  if (entries.length > 10) throw tooManyEntries(entries.length);
  const ids = entries.map((e) => createReader(e).required('Id'));
  const seen = new Set<string>();
  for (const id of ids) {
    if (!ENTRY_ID.test(id)) throw invalidBatchEntryId();
    if (seen.has(id)) throw batchEntryIdsNotDistinct(id);
    seen.add(id);
  }
  return ids;
};

/** A failed entry as SQS reports it: Code is the error's short name, without the JSON namespace. */
const failedEntry = (id: string, error: unknown) => {
  if (!(error instanceof AwsError)) throw error;
  return {
    Id: id,
    SenderFault: error.status < 500,
    Code: error.type.split('#').at(-1) ?? error.type,
    Message: error.message,
  };
};

export { checkEntries, failedEntry };
