// The local endpoint's routes besides the AWS JSON services, in the order they are tried: DynamoDB (dynalite), the
// service's HTTP API, SNS's query protocol, Lambda's Invoke API, the local-only /_smcp/ routes and the console
// (/console/, local/console/).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDbEmulator } from '../dynamodb/index.ts';
import type { EventBus } from '../eventbridge/bus.ts';
import type { LambdaRuntime } from '../lambda/runtime.ts';

type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean> | boolean;

const dynamoDbRoute =
  (dynamodb: DynamoDbEmulator): Route =>
  (req, res, body) => {
    if (!dynamodb.isDynamoDbRequest(req)) return false;
    dynamodb.handle(req, res, body);
    return true;
  };

/**
 * Leaves a request of one of `services` alone (an SDK's `POST /` with its X-Amz-Target) without asking any route:
 * every route would decline it, each after its own look at the URL and headers, and the read path pays for every
 * look on every GetSecretValue.
 */
const unlessServiceRequest =
  (services: readonly { readonly targetPrefix: string }[], route: Route): Route =>
  (req, res, body) => {
    if (req.method === 'POST' && req.url === '/') {
      const target = req.headers['x-amz-target'];
      if (
        typeof target === 'string' &&
        services.some((s) => target.startsWith(s.targetPrefix, 0) && target.charAt(s.targetPrefix.length) === '.')
      )
        return false;
    }
    return route(req, res, body);
  };

/** Tries each route in turn; the first that takes the request answers it. */
const chainRoutes =
  (routes: readonly Route[]): Route =>
  async (req, res, body) => {
    for (const route of routes) if (await route(req, res, body)) return true;
    return false;
  };

/**
 * What tells the console's open pages to refresh: every event on the bus (each workflow step that calls an AWS API,
 * each execution's status change) and the end of every invocation (steps that only touch DynamoDB).
 */
const consoleChanges =
  ({ bus, lambda }: { bus: Pick<EventBus, 'tap'>; lambda: Pick<LambdaRuntime, 'observe'> }) =>
  (listener: () => void): (() => void) => {
    const untap = bus.tap(() => listener());
    // An observer, not a hook: a hook sees every event, which costs a copy of each on the endpoint's thread.
    const unobserve = lambda.observe(listener);
    return () => {
      untap();
      unobserve();
    };
  };

export type { Route };
export { chainRoutes, consoleChanges, dynamoDbRoute, unlessServiceRequest };
