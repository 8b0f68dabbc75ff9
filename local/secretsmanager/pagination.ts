// Secrets Manager's NextToken paging: a foreign or forged token is InvalidNextTokenException.
import { paginate as paginateAny } from '../pagination.ts';
import { invalidNextToken } from './errors.ts';

const paginate = <T>(scope: string, items: readonly T[], maxResults: number, nextToken: string | undefined) =>
  paginateAny(scope, items, maxResults, nextToken, invalidNextToken);

export { paginate };
