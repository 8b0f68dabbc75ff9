// Step Functions' nextToken paging: a foreign or forged token is InvalidToken, as Step Functions answers.
import { paginate as paginateAny } from '../pagination.ts';
import { invalidToken } from './errors.ts';

/** maxResults 0 or absent means the service default, 100 (the API's documented page size). */
const paginate = <T>(
  scope: string,
  items: readonly T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
) =>
  paginateAny(scope, items, maxResults === undefined || maxResults === 0 ? 100 : maxResults, nextToken, () =>
    invalidToken('Invalid pagination token'),
  );

export { paginate };
