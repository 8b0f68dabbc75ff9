// S3's REST API on the local endpoint, path-style (`/<bucket>/<key>`): which operation a request is (its method, path
// and subresource), the operation's answer in S3's XML, and every error as S3 words it. The route takes a request
// before its body is read (an object may be larger than any JSON body the endpoint accepts) and reads it itself,
// within the object size cap. Nothing a request sends can throw past this file: an error that is not S3's own is an
// InternalError, logged by name only.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { callerOf } from '../iam/identity.ts';
import {
  type BucketRequest,
  createBucket,
  deleteBucket,
  deletePolicy,
  getBucketLocation,
  getNotification,
  getPolicy,
  headBucket,
  listBuckets,
  listObjects,
  putNotification,
  putPolicy,
} from './buckets.ts';
import type { S3Core } from './core.ts';
import { S3Error, s3Errors } from './errors.ts';
import { header, readBody, type Signer, s3Signer, targetOf } from './http.ts';
import { type Answer, deleteObject, deleteObjects, getObject, type ObjectRequest, putObject } from './objects.ts';
import { errorDocument } from './xml.ts';

// The subresources S3 has (the query names that make a request another operation). Those not listed in a handler
// below are answered NotImplemented; any other query parameter (`x-id=PutObject`, the SDK's) is ignored, as S3 does.
const SUBRESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataTable',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'partNumber',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploadId',
  'uploads',
  'versioning',
  'versions',
  'website',
]);

interface RouteOptions {
  readonly core: S3Core;
  /** The largest object PutObject takes (EntityTooLarge beyond). */
  readonly maxObjectBytes: number;
  readonly log: (line: string) => void;
}

const subresourceOf = (query: URLSearchParams): string | undefined => {
  for (const name of query.keys()) if (SUBRESOURCES.has(name)) return name;
  return undefined;
};

const requestIdOf = () => randomBytes(8).toString('hex').toUpperCase();

const createS3Route = ({ core, maxObjectBytes, log }: RouteOptions) => {
  // aws-chunked framing adds a header of at most ~90 bytes per chunk of at least 8 KB: room for it above the cap.
  const maxObjectRequestBytes = maxObjectBytes + Math.ceil(maxObjectBytes / 64) + 64 * 1024;
  const maxDocumentBytes = 2 * 1024 * 1024;

  const answer = (res: ServerResponse, requestId: string, head: boolean, out: Answer) => {
    const body = out.body ?? '';
    const headers: Record<string, string | number> = {
      'x-amz-request-id': requestId,
      'x-amz-id-2': requestId,
      server: 'AmazonS3',
      ...out.headers,
    };
    if (headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(out.status, headers);
    res.end(head ? undefined : body);
  };

  const fail = (res: ServerResponse, requestId: string, head: boolean, error: unknown, resource: string) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    let s3Error: S3Error;
    if (error instanceof S3Error) s3Error = error;
    else {
      // A bug here, not the caller's: its message may quote the request, so only its name and frames are logged.
      const where = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 4).join('\n') : '';
      log(`[s3] internal error: ${(error as Error)?.name ?? typeof error}\n${where}`);
      s3Error = s3Errors.internal();
    }
    const body = head ? '' : errorDocument(s3Error, requestId, resource);
    answer(res, requestId, head, {
      status: s3Error.status,
      headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) },
      body,
    });
  };

  /** The operation a request is, run on what it sent. */
  const run = (
    req: IncomingMessage,
    signer: Signer,
    target: ReturnType<typeof targetOf>,
    body: Buffer,
    size: number,
    requestId: string,
  ): Promise<Answer> | Answer => {
    const method = req.method ?? 'GET';
    const { bucket, key, url } = target;
    const query = url.searchParams;
    const subresource = subresourceOf(query);
    if (bucket === undefined) {
      if (method === 'GET') return listBuckets(core, query);
      throw s3Errors.methodNotAllowed(method, 'SERVICE');
    }
    const by = {
      requester: callerOf(signer.accessKeyId, core.account).account,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      requestId,
    };
    if (key === undefined) {
      const request: BucketRequest = { bucket, query, body, region: signer.region };
      if (size > maxDocumentBytes && (method === 'PUT' || method === 'POST')) throw s3Errors.malformedXml();
      switch (`${method} ${subresource ?? ''}`) {
        case 'PUT ':
          return createBucket(core, request);
        case 'HEAD ':
          return headBucket(core, request);
        case 'GET ':
          return listObjects(core, request);
        case 'DELETE ':
          return deleteBucket(core, request);
        case 'GET location':
          return getBucketLocation(core, request);
        case 'GET notification':
          return getNotification(core, request);
        case 'PUT notification':
          return putNotification(core, request);
        case 'GET policy':
          return getPolicy(core, request);
        case 'PUT policy':
          return putPolicy(core, request);
        case 'DELETE policy':
          return deletePolicy(core, request);
        case 'POST delete':
          return deleteObjects(core, { ...request, header: () => undefined, headerNames: [], by });
        default:
          if (!['GET', 'PUT', 'HEAD', 'DELETE', 'POST'].includes(method))
            throw s3Errors.methodNotAllowed(method, 'BUCKET');
          throw s3Errors.notImplemented(subresource === undefined ? `${method} on a bucket` : `?${subresource}`);
      }
    }
    const request: ObjectRequest = {
      bucket,
      key,
      query,
      header: (name) => header(req, name),
      headerNames: Object.keys(req.headers),
      body,
      by,
    };
    if (!['GET', 'PUT', 'HEAD', 'DELETE', 'POST'].includes(method)) throw s3Errors.methodNotAllowed(method, 'OBJECT');
    if (subresource !== undefined) throw s3Errors.notImplemented(`?${subresource} (multipart uploads, tags, ACLs)`);
    switch (method) {
      case 'PUT':
        if (req.headers['x-amz-copy-source'] !== undefined) throw s3Errors.notImplemented('CopyObject');
        if (size > maxObjectRequestBytes) {
          const declared = Number(header(req, 'x-amz-decoded-content-length') ?? size);
          throw s3Errors.tooLarge(Number.isFinite(declared) ? declared : size, maxObjectBytes);
        }
        return putObject(core, request, maxObjectBytes);
      case 'GET':
        return getObject(core, request, false);
      case 'HEAD':
        return getObject(core, request, true);
      case 'DELETE':
        return deleteObject(core, request);
      default:
        throw s3Errors.notImplemented(`${method} on an object`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, signer: Signer) => {
    const requestId = requestIdOf();
    const head = req.method === 'HEAD';
    let resource = '/';
    try {
      let target: ReturnType<typeof targetOf> | undefined;
      let refused: unknown;
      try {
        target = targetOf(req);
        resource = target.url.pathname;
      } catch (error) {
        refused = error;
      }
      // Read to its end whatever happens, so the client gets the answer rather than a reset connection.
      const limit = req.method === 'PUT' && target?.key !== undefined ? maxObjectRequestBytes : maxDocumentBytes;
      const { body, size } = await readBody(req, limit);
      if (!target) throw refused;
      const out = await run(req, signer, target, body, size, requestId);
      answer(res, requestId, head, out);
    } catch (error) {
      fail(res, requestId, head, error, resource);
    }
  };

  /** Takes the request when it is S3's (signed for `s3`); false leaves it to the other routes. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const signer = s3Signer(req);
    if (!signer) return false;
    handle(req, res, signer).catch(() => res.destroy());
    return true;
  };
};

export { createS3Route };
