// The local endpoint's routes besides the AWS JSON services, in the order they are tried: DynamoDB (dynalite), the
// service's HTTP API, SNS's query protocol, Lambda's Invoke API and the local-only /_smcp/ routes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDbEmulator } from '../dynamodb/index.ts';

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> | boolean;

const dynamoDbRoute =
  (dynamodb: DynamoDbEmulator): Route =>
  (req, res, body) => {
    if (!dynamodb.isDynamoDbRequest(req)) return false;
    dynamodb.handle(req, res, body);
    return true;
  };

/** Tries each route in turn; the first that takes the request answers it. */
const chainRoutes =
  (routes: readonly Route[]): Route =>
  async (req, res, body) => {
    for (const route of routes) if (await route(req, res, body)) return true;
    return false;
  };

export type { Route };
export { chainRoutes, dynamoDbRoute };
