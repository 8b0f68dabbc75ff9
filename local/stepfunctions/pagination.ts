// Opaque nextToken paging. The token names the listing it came from, so a token from another listing is refused
// with InvalidToken, as Step Functions does.
import { invalidToken } from './errors.ts';

const encode = (scope: string, offset: number) => Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');

const decode = (scope: string, token: string): number => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { scope: s, offset } = parsed as { scope?: unknown; offset?: unknown };
    if (s === scope && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the AWS error
  }
  throw invalidToken('Invalid pagination token');
};

/** maxResults 0 or absent means the service default, 100 (the API's documented page size). */
const paginate = <T>(
  scope: string,
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
) => {
  const size = maxResults === undefined || maxResults === 0 ? 100 : maxResults;
  const offset = nextToken === undefined ? 0 : decode(scope, nextToken);
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encode(scope, offset + size) : undefined;
  return { page, nextToken: next };
};

export { paginate };
