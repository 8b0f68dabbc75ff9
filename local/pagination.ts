// Opaque NextToken paging shared by the emulators. The token names the listing it came from, so a token from another
// listing is refused with the service's own error.

const encode = (scope: string, offset: number) => Buffer.from(JSON.stringify({ scope, offset })).toString('base64url');

const decode = (scope: string, token: string, invalid: () => Error): number => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { scope: s, offset } = parsed as { scope?: unknown; offset?: unknown };
    if (s === scope && typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the service's error
  }
  throw invalid();
};

const paginate = <T>(
  scope: string,
  items: readonly T[],
  pageSize: number,
  nextToken: string | undefined,
  invalid: () => Error,
) => {
  const offset = nextToken === undefined ? 0 : decode(scope, nextToken, invalid);
  const page = items.slice(offset, offset + pageSize);
  const next = offset + pageSize < items.length ? encode(scope, offset + pageSize) : undefined;
  return { page, nextToken: next };
};

export { paginate };
