// API Gateway HTTP API (payload format 2.0) requests and responses for the approval endpoints.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type HttpEvent = Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded' | 'queryStringParameters'> & {
  readonly requestContext?: { readonly http?: { readonly method?: string } };
};
type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

// Approval requests are a few kilobytes at most; a cap keeps a hostile caller from making us hash or parse megabytes.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The bytes the client sent. API Gateway base64-encodes non-text bodies (Slack's form posts among them); a signature
 * covers the original bytes, so decode here and never re-serialise parsed data. Undefined when over the cap.
 */
const rawBodyOf = (event: HttpEvent): Buffer | undefined => {
  const body = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return bytes.length > MAX_BODY_BYTES ? undefined : bytes;
};

const methodOf = (event: HttpEvent): string => (event.requestContext?.http?.method ?? 'GET').toUpperCase();

// Nothing an approval endpoint answers may be cached by a browser, proxy or mail scanner.
const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

const json = (statusCode: number, body: object): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE },
  body: JSON.stringify(body),
});

const html = (statusCode: number, body: string): HttpResult => ({
  statusCode,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    ...NO_STORE,
    // The page URL carries the link token: never send it on as a Referer, never run scripts, never be framed.
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  },
  body,
});

export type { HttpEvent, HttpResult };
export { html, json, MAX_BODY_BYTES, methodOf, rawBodyOf };
