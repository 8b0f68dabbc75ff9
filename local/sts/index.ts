// STS on the local endpoint, query protocol as AWS speaks it (a form-encoded POST, answered in XML):
// GetCallerIdentity answers with the caller the request's access key names (local/iam/identity.ts), so
// `aws sts get-caller-identity --endpoint-url …` and the SDK tell who the local cloud thinks you are — the same caller
// a resource policy is evaluated against. Other actions are InvalidAction. Requests signed for `sts` come here; so do
// unsigned ones naming STS's API version.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerOf } from '../iam/identity.ts';
import { el } from '../sns/xml.ts';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';
const FORM = 'application/x-www-form-urlencoded';
// `Credential=AKID/20240101/us-east-1/sts/aws4_request`
const SCOPE = /Credential=([^/,\s]+)\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/;

const reply = (res: ServerResponse, status: number, body: string, requestId: string) => {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
  });
  res.end(body);
};

const error = (code: string, message: string, requestId: string) =>
  `<ErrorResponse xmlns="${NAMESPACE}">${el('Error', [el('Type', 'Sender'), el('Code', code), el('Message', message)])}${el(
    'RequestId',
    requestId,
  )}</ErrorResponse>`;

const createStsRoute =
  ({ account }: { account: string }) =>
  (req: IncomingMessage, res: ServerResponse, body: Buffer): boolean => {
    if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith(FORM)) return false;
    const scope = SCOPE.exec(String(req.headers.authorization ?? ''));
    const form = new URLSearchParams(body.toString('utf8'));
    if (scope ? scope[2] !== 'sts' : form.get('Version') !== VERSION) return false;
    const requestId = randomUUID();
    const action = form.get('Action') ?? '';
    if (action !== 'GetCallerIdentity') {
      const what = action === '' ? 'No action was given' : `Could not find operation ${action.slice(0, 100)}`;
      reply(res, 400, error('InvalidAction', `${what} for version ${VERSION}`, requestId), requestId);
      return true;
    }
    const caller = callerOf(scope?.[1], account);
    const result = [el('Arn', caller.arn), el('UserId', caller.userId), el('Account', caller.account)];
    reply(
      res,
      200,
      `<GetCallerIdentityResponse xmlns="${NAMESPACE}">${el('GetCallerIdentityResult', result)}${el(
        'ResponseMetadata',
        [el('RequestId', requestId)],
      )}</GetCallerIdentityResponse>`,
      requestId,
    );
    return true;
  };

export { createStsRoute };
