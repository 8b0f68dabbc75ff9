// Opaque NextToken paging. The token names the operation it came from, so a token from another listing is refused.
import { invalidNextToken } from './errors.ts';

const encode = (scope: string, offset: number) => Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');

const decode = (scope: string, token: string): number => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { scope: s, offset } = parsed as { scope?: unknown; offset?: unknown };
    if (s === scope && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the AWS error
  }
  throw invalidNextToken();
};

const paginate = <T>(scope: string, items: readonly T[], maxResults: number, nextToken: string | undefined) => {
  const offset = nextToken === undefined ? 0 : decode(scope, nextToken);
  const page = items.slice(offset, offset + maxResults);
  const next = offset + maxResults < items.length ? encode(scope, offset + maxResults) : undefined;
  return { page, nextToken: next };
};

export { paginate };
