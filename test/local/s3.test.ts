// The local S3 through the real SDK (`S3Client({ endpoint, forcePathStyle: true })`) and Debian's AWS CLI: buckets,
// objects, listings, S3's XML errors, notifications to the bus, and objects that outlive a restart.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../local/eventbridge/bus.ts';
import { clientsFor, freePort, startTestCloud, type TestCloud } from '../support/local-cloud.ts';

const s3For = (url: string, region = 'us-east-1') => clientsFor(url, region).s3;

/** A raw request signed (in form: the local cloud checks no signature) for S3. */
const signed = (url: string, path: string, init: RequestInit = {}, region = 'us-east-1') =>
  fetch(`${url}${path}`, {
    ...init,
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260105/${region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
      ...(init.headers as Record<string, string> | undefined),
    },
  }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));

const codeOf = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];

let t: TestCloud;
let s3: S3Client;
let seen: BusEvent[];
let untap: () => void;

beforeAll(async () => {
  t = await startTestCloud();
  s3 = s3For(t.cloud.url);
});
afterAll(async () => {
  s3?.destroy();
  await t?.cloud.stop();
});
beforeEach(() => {
  seen = [];
  untap = t.cloud.bus.tap((event) => {
    if (event.source === 'aws.s3') seen.push(event);
  });
});
afterEach(() => untap());

const text = async (bucket: string, key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString();

describe('local S3 buckets', () => {
  it('creates, heads, lists and deletes a bucket, and answers the region it is in', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'life-cycle' }));

    const head = await s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' }));
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'life-cycle' }));
    const listed = await s3.send(new ListBucketsCommand({}));
    await s3.send(new DeleteBucketCommand({ Bucket: 'life-cycle' }));
    const gone = await s3.send(new HeadBucketCommand({ Bucket: 'life-cycle' })).catch((e: Error) => e);

    expect(head.BucketRegion).toBe('us-east-1');
    expect(location.LocationConstraint).toBeUndefined();
    expect(listed.Buckets?.map((b) => b.Name)).toContain('life-cycle');
    expect(listed.Buckets?.find((b) => b.Name === 'life-cycle')?.CreationDate).toEqual(
      new Date('2026-01-05T09:00:00Z'),
    );
    expect(gone).toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  });

  it('creates a bucket in another region with its LocationConstraint, and refuses one that is not the request’s', async () => {
    const eu = s3For(t.cloud.url, 'eu-west-1');

    await eu.send(
      new CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    const again = await eu
      .send(
        new CreateBucketCommand({
          Bucket: 'in-ireland',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      )
      .catch((e: Error) => e);
    // The SDK adds the client's region as LocationConstraint: a request without one is made by hand.
    const unspecified = await signed(t.cloud.url, '/no-constraint', { method: 'PUT' }, 'eu-west-1');
    const location = await eu.send(new GetBucketLocationCommand({ Bucket: 'in-ireland' }));
    eu.destroy();

    expect(location.LocationConstraint).toBe('eu-west-1');
    expect(again).toMatchObject({ name: 'BucketAlreadyOwnedByYou', $metadata: { httpStatusCode: 409 } });
    expect([unspecified.status, codeOf(unspecified.text)]).toEqual([400, 'IllegalLocationConstraintException']);
    expect(unspecified.text).toContain(
      '<Message>The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.</Message>',
    );
  });

  it('answers 200 to creating a bucket you own again in us-east-1, as S3 does for legacy compatibility', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'twice-created' }));
    await s3.send(new PutObjectCommand({ Bucket: 'twice-created', Key: 'kept', Body: 'still here' }));

    const again = await s3.send(new CreateBucketCommand({ Bucket: 'twice-created' }));

    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(await text('twice-created', 'kept')).toBe('still here');
  });

  it('refuses bad names, deleting a bucket that holds objects, and buckets that do not exist, in S3’s words', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'not-empty' }));
    await s3.send(new PutObjectCommand({ Bucket: 'not-empty', Key: 'x', Body: 'x' }));

    const badName = await s3.send(new CreateBucketCommand({ Bucket: 'Upper_Case' })).catch((e: Error) => e);
    const notEmpty = await s3.send(new DeleteBucketCommand({ Bucket: 'not-empty' })).catch((e: Error) => e);
    const missing = await s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })).catch((e: Error) => e);
    const raw = await signed(t.cloud.url, '/no-such-bucket/some/key');

    expect(badName).toMatchObject({ name: 'InvalidBucketName', $metadata: { httpStatusCode: 400 } });
    expect(notEmpty).toMatchObject({
      name: 'BucketNotEmpty',
      message: 'The bucket you tried to delete is not empty',
      $metadata: { httpStatusCode: 409 },
    });
    expect(missing).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    expect(raw.status).toBe(404);
    expect(raw.headers.get('content-type')).toBe('application/xml');
    expect(raw.text).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>no-such-bucket<\/BucketName><Resource>\/no-such-bucket\/some\/key<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/,
    );
  });

  it('keeps and answers a bucket policy (not enforced), and NoSuchBucketPolicy without one', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'with-policy' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::with-policy/*' }],
    });

    await s3.send(new PutBucketPolicyCommand({ Bucket: 'with-policy', Policy: policy }));
    const kept = await s3.send(new GetBucketPolicyCommand({ Bucket: 'with-policy' }));
    await s3.send(new PutObjectCommand({ Bucket: 'with-policy', Key: 'k', Body: 'readable anyway' }));
    const read = await text('with-policy', 'k');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'with-policy' }));
    const none = await s3.send(new GetBucketPolicyCommand({ Bucket: 'with-policy' })).catch((e: Error) => e);
    const malformed = await s3
      .send(new PutBucketPolicyCommand({ Bucket: 'with-policy', Policy: 'not json' }))
      .catch((e: Error) => e);

    expect(kept.Policy).toBe(policy);
    expect(read).toBe('readable anyway');
    expect(none).toMatchObject({ name: 'NoSuchBucketPolicy', $metadata: { httpStatusCode: 404 } });
    expect(malformed).toMatchObject({ name: 'MalformedPolicy', $metadata: { httpStatusCode: 400 } });
  });
});

describe('local S3 objects', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });

  it('puts and gets an object with its ETag, length, type, date and metadata, whole or a byte range', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'docs/hello world.txt',
        Body: Buffer.from('hello, local S3'),
        ContentType: 'text/plain',
        CacheControl: 'no-cache',
        Metadata: { owner: 'team-a' },
      }),
    );

    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'docs/hello world.txt' }));
    const body = await got.Body?.transformToString();
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'docs/hello world.txt' }));
    const range = await s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'docs/hello world.txt', Range: 'bytes=7-' }),
    );
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'docs/hello world.txt', Range: 'bytes=-2' }),
    );
    const beyond = await s3
      .send(new GetObjectCommand({ Bucket: 'objects', Key: 'docs/hello world.txt', Range: 'bytes=99-' }))
      .catch((e: Error) => e);

    expect(put.ETag).toBe(`"${createHash('md5').update('hello, local S3').digest('hex')}"`);
    expect(body).toBe('hello, local S3');
    expect(got).toMatchObject({
      ETag: put.ETag,
      ContentLength: 15,
      ContentType: 'text/plain',
      CacheControl: 'no-cache',
      LastModified: new Date('2026-01-05T09:00:00Z'),
      Metadata: { owner: 'team-a' },
    });
    expect(head).toMatchObject({ ETag: put.ETag, ContentLength: 15, ContentType: 'text/plain' });
    expect([range.$metadata.httpStatusCode, range.ContentRange, await range.Body?.transformToString()]).toEqual([
      206,
      'bytes 7-14/15',
      'local S3',
    ]);
    expect(await tail.Body?.transformToString()).toBe('S3');
    expect(beyond).toMatchObject({ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } });
  });

  it('decodes a streamed upload (aws-chunked, with a trailing checksum) byte for byte', async () => {
    const parts = [Buffer.alloc(70_000, 1), Buffer.alloc(5_000, 2)];

    await s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'streamed', Body: Readable.from(parts), ContentLength: 75_000 }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'streamed' }));
    const bytes = Buffer.from((await got.Body?.transformToByteArray()) ?? []);

    expect(bytes.equals(Buffer.concat(parts))).toBe(true);
    expect(got.ContentType).toBe('application/octet-stream');
  });

  it('decodes a body in SigV4-signed chunks, and refuses one cut short as IncompleteBody', async () => {
    const signature = `;chunk-signature=${'0'.repeat(64)}`;
    const chunked = `5${signature}\r\nhello\r\n6${signature}\r\n chunk\r\n0${signature}\r\n\r\n`;
    const headers = {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '11',
      'content-type': 'text/plain',
    };

    const put = await signed(t.cloud.url, '/objects/signed-chunks', { method: 'PUT', headers, body: chunked });
    const cut = await signed(t.cloud.url, '/objects/cut-short', { method: 'PUT', headers, body: chunked.slice(0, 30) });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'signed-chunks' }));

    expect(put.status).toBe(200);
    expect(await got.Body?.transformToString()).toBe('hello chunk');
    expect(got.ContentEncoding).toBeUndefined();
    expect([cut.status, codeOf(cut.text)]).toEqual([400, 'IncompleteBody']);
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'cut-short' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('checks Content-MD5, and refuses keys over 1,024 bytes and objects over the 64 MiB cap', async () => {
    const wrongMd5 = await signed(t.cloud.url, '/objects/md5', {
      method: 'PUT',
      headers: { 'content-md5': Buffer.alloc(16).toString('base64') },
      body: 'abc',
    });
    const longKey = await s3
      .send(new PutObjectCommand({ Bucket: 'objects', Key: 'k'.repeat(1025), Body: 'x' }))
      .catch((e: Error) => e);
    const huge = await signed(t.cloud.url, '/objects/huge', {
      method: 'PUT',
      body: new Uint8Array(64 * 1024 * 1024 + (64 * 1024 * 1024) / 64 + 64 * 1024 + 1),
    });

    expect([wrongMd5.status, codeOf(wrongMd5.text)]).toEqual([400, 'BadDigest']);
    expect(longKey).toMatchObject({ name: 'KeyTooLongError', $metadata: { httpStatusCode: 400 } });
    expect([huge.status, codeOf(huge.text)]).toEqual([400, 'EntityTooLarge']);
    expect(huge.text).toContain('<MaxSizeAllowed>67108864</MaxSizeAllowed>');
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'huge' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  }, 30_000);

  it('answers NoSuchKey for a missing key, deletes idempotently, and deletes many at once', async () => {
    for (const key of ['del/a', 'del/b'])
      await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: key, Body: key }));

    const missing = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'del/none' })).catch((e: Error) => e);
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'del/a' }));
    const again = await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'del/a' }));
    const many = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'objects', Delete: { Objects: [{ Key: 'del/b' }, { Key: 'del/none' }] } }),
    );
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'del/' }));

    expect(missing).toMatchObject({ name: 'NoSuchKey', message: 'The specified key does not exist.' });
    expect([deleted.$metadata.httpStatusCode, again.$metadata.httpStatusCode]).toEqual([204, 204]);
    expect(many.Deleted?.map((d) => d.Key)).toEqual(['del/b', 'del/none']);
    expect(left.KeyCount).toBe(0);
  });

  it('answers what it does not do (CopyObject, multipart uploads, other configurations) NotImplemented', async () => {
    const copy = await s3
      .send(new CopyObjectCommand({ Bucket: 'objects', Key: 'copy', CopySource: 'objects/streamed' }))
      .catch((e: Error) => e);
    const multipart = await s3
      .send(new CreateMultipartUploadCommand({ Bucket: 'objects', Key: 'big' }))
      .catch((e: Error) => e);
    const versioning = await signed(t.cloud.url, '/objects?versioning');

    expect(copy).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    expect(multipart).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    expect([versioning.status, codeOf(versioning.text)]).toEqual([501, 'NotImplemented']);
  });
});

describe('local S3 listings', () => {
  const KEYS = [
    'a.txt',
    'logs/2026/01/one.json',
    'logs/2026/01/two.json',
    'logs/2026/02/three.json',
    'logs/x y+z',
    'z',
  ];

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: key }));
  });

  const list = (input: Omit<ConstructorParameters<typeof ListObjectsV2Command>[0], 'Bucket'>) =>
    s3.send(new ListObjectsV2Command({ Bucket: 'listing', ...input }));

  it('lists keys in order, under a prefix, rolled up by a delimiter, after a key', async () => {
    const all = await list({});
    const logs = await list({ Prefix: 'logs/2026/' });
    const folders = await list({ Prefix: 'logs/', Delimiter: '/' });
    const after = await list({ StartAfter: 'logs/2026/01/two.json' });

    expect(all.Contents?.map((c) => c.Key)).toEqual(KEYS);
    expect(all.Contents?.[0]).toMatchObject({
      Size: 5,
      StorageClass: 'STANDARD',
      ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
    expect(logs.Contents?.map((c) => c.Key)).toEqual(KEYS.slice(1, 4));
    expect(folders.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['logs/2026/']);
    expect(folders.Contents?.map((c) => c.Key)).toEqual(['logs/x y+z']);
    expect(folders.KeyCount).toBe(2);
    expect(after.Contents?.map((c) => c.Key)).toEqual(KEYS.slice(3));
  });

  it('pages with max-keys and continuation tokens, a common prefix counting once', async () => {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await list({ MaxKeys: 2, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) });
      pages.push([
        ...(page.CommonPrefixes ?? []).map((p) => `${p.Prefix}`),
        ...(page.Contents ?? []).map((c) => `${c.Key}`),
      ]);
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'logs/2026/02/three.json' }));

    expect(pages).toEqual([['logs/', 'a.txt'], ['z']]);
    expect(v1.Contents?.map((c) => c.Key)).toEqual(['logs/x y+z', 'z']);
  });

  it('URL-encodes keys when asked (the AWS CLI asks), and refuses a bad max-keys or continuation token', async () => {
    const encoded = await signed(t.cloud.url, '/listing?list-type=2&prefix=logs%2Fx&encoding-type=url');
    const badMax = await list({ MaxKeys: -1 }).catch((e: Error) => e);
    const badToken = await list({ ContinuationToken: 'forged' }).catch((e: Error) => e);

    expect(encoded.text).toContain('<Key>logs/x+y%2Bz</Key>');
    expect(badMax).toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
    expect(badToken).toMatchObject({
      name: 'InvalidArgument',
      message: 'The continuation token provided is incorrect',
    });
  });
});

describe('local S3 notifications', () => {
  it('sends Object Created and Object Deleted to the default bus once EventBridge is on, as S3 shapes them', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'notifying' }));
    await s3.send(new PutObjectCommand({ Bucket: 'notifying', Key: 'before', Body: 'not told' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'notifying',
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );

    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'notifying' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'notifying', Key: 'a dir/file 1.json', Body: '{"n":1}' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'notifying', Key: 'a dir/file 1.json' }));
    await t.cloud.whenIdle();

    expect(config.EventBridgeConfiguration).toEqual({});
    expect(seen.map((e) => e['detail-type'])).toEqual(['Object Created', 'Object Deleted']);
    expect(seen[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      time: '2026-01-05T09:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::notifying'],
      detail: {
        version: '0',
        bucket: { name: 'notifying' },
        object: {
          key: 'a+dir/file+1.json',
          size: 7,
          etag: put.ETag?.replaceAll('"', ''),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
        'request-id': expect.any(String),
        requester: '000000000000',
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
    expect(seen[1]?.detail).toMatchObject({ reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' });
  });

  it('turns notifications off with an empty configuration; refuses other destinations and malformed XML', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'quiet' }));
    const put = (body: string) => signed(t.cloud.url, '/quiet?notification', { method: 'PUT', body });

    const on = await put('<NotificationConfiguration><EventBridgeConfiguration/></NotificationConfiguration>');
    const off = await put('<NotificationConfiguration/>');
    await s3.send(new PutObjectCommand({ Bucket: 'quiet', Key: 'k', Body: 'x' }));
    const topic = await put(
      '<NotificationConfiguration><TopicConfiguration><Topic>arn:aws:sns:us-east-1:000000000000:t</Topic><Event>s3:ObjectCreated:*</Event></TopicConfiguration></NotificationConfiguration>',
    );
    const broken = await put('<NotificationConfiguration><EventBridgeConfiguration>');
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'quiet' }));
    await t.cloud.whenIdle();

    expect([on.status, off.status]).toEqual([200, 200]);
    expect(seen).toEqual([]);
    expect([topic.status, codeOf(topic.text)]).toEqual([501, 'NotImplemented']);
    expect([broken.status, codeOf(broken.text)]).toEqual([400, 'MalformedXML']);
    expect(config.EventBridgeConfiguration).toBeUndefined();
  });
});

// Debian's AWS CLI v2 (.ci/run installs it). An `aws` found earlier on PATH may be another major version.
const AWS = '/usr/bin/aws';
const hasAws = spawnSync(AWS, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('aws-cli/2') ?? false;
const run = promisify(execFile);

describe('local S3 through the AWS CLI', () => {
  if (!hasAws) {
    it('needs the AWS CLI v2 at /usr/bin/aws in CI', () => {
      expect(process.env.CI).not.toBe('true');
    });
    return;
  }

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'smcp-s3-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Async on purpose: a synchronous child would block the event loop that serves the endpoint.
  const aws = async (...args: string[]) =>
    (
      await run(AWS, [...args, '--endpoint-url', t.cloud.url], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PAGER: '',
        },
      })
    ).stdout;

  it('puts, gets and lists with s3api, copies up and down and lists with s3', async () => {
    const file = join(dir, 'report.txt');
    const big = join(dir, 'big.bin');
    writeFileSync(file, 'from the cli\n');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 7));

    await aws('s3api', 'create-bucket', '--bucket', 'cli-bucket');
    const put = JSON.parse(
      await aws('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'dir/report.txt', '--body', file),
    );
    const got = JSON.parse(
      await aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'dir/report.txt', join(dir, 'got.txt')),
    );
    await aws('s3', 'cp', big, 's3://cli-bucket/dir/sub dir/big+1.bin');
    await aws('s3', 'cp', 's3://cli-bucket/dir/sub dir/big+1.bin', join(dir, 'big.out'));
    const listed = JSON.parse(await aws('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'dir/'));
    const ls = await aws('s3', 'ls', 's3://cli-bucket/dir/');

    expect(put.ETag).toBe(got.ETag);
    expect(readFileSync(join(dir, 'got.txt'), 'utf8')).toBe('from the cli\n');
    expect(readFileSync(join(dir, 'big.out')).equals(readFileSync(big))).toBe(true);
    expect(listed.Contents.map((c: { Key: string }) => c.Key)).toEqual(['dir/report.txt', 'dir/sub dir/big+1.bin']);
    expect(ls).toMatch(/PRE sub dir\/\n.* 13 report\.txt\n$/);
  }, 60_000);

  it('reports S3’s errors the way the CLI prints them', async () => {
    const failure = await aws('s3api', 'get-object', '--bucket', 'no-such-bucket', '--key', 'k', join(dir, 'x')).catch(
      (error: { stderr?: string }) => error,
    );

    expect((failure as { stderr: string }).stderr).toContain('(NoSuchBucket)');
  });
});

describe('local S3 across a restart', () => {
  it('keeps buckets, objects and notification settings in the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'smcp-s3-'));
    const port = await freePort();
    try {
      const first = await startTestCloud({ dataDir, port });
      const client = s3For(first.cloud.url);
      await client.send(new CreateBucketCommand({ Bucket: 'durable' }));
      await client.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'durable',
          NotificationConfiguration: { EventBridgeConfiguration: {} },
        }),
      );
      for (const key of ['b', 'a/c', 'a/b']) {
        await client.send(
          new PutObjectCommand({ Bucket: 'durable', Key: key, Body: `body of ${key}`, Metadata: { k: key } }),
        );
      }
      await client.send(new DeleteObjectCommand({ Bucket: 'durable', Key: 'b' }));
      await first.cloud.stop();

      const second = await startTestCloud({ dataDir, port });
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'durable' }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'durable', Key: 'a/c' }));
      const config = await client.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'durable' }));
      const body = await got.Body?.transformToString();
      client.destroy();
      await second.cloud.stop();

      expect(listed.Contents?.map((c) => c.Key)).toEqual(['a/b', 'a/c']);
      expect([body, got.Metadata]).toEqual(['body of a/c', { k: 'a/c' }]);
      expect(config.EventBridgeConfiguration).toEqual({});
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps bodies byte for byte as bytes, not base64, and still loads the base64 rows an older version wrote', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'smcp-s3-'));
    const port = await freePort();
    const everyByte = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    try {
      const first = await startTestCloud({ dataDir, port });
      const client = s3For(first.cloud.url);
      await client.send(new CreateBucketCommand({ Bucket: 'bytes' }));
      await client.send(new PutObjectCommand({ Bucket: 'bytes', Key: 'every-byte', Body: everyByte }));
      await client.send(new PutObjectCommand({ Bucket: 'bytes', Key: 'empty', Body: '' }));
      await client.send(new CreateBucketCommand({ Bucket: 'gone' }));
      await client.send(new PutObjectCommand({ Bucket: 'gone', Key: 'k', Body: 'x' }));
      await client.send(new DeleteObjectCommand({ Bucket: 'gone', Key: 'k' }));
      await client.send(new DeleteBucketCommand({ Bucket: 'gone' }));
      await first.cloud.stop();

      const db = new DatabaseSync(join(dataDir, 'smcp.db'));
      const stored = db
        .prepare("SELECT key, typeof(value) AS type, length(value) AS bytes FROM records WHERE kind = 's3.object.body'")
        .all();
      // A row as the version before this one wrote it: the body base64 inside the object's JSON.
      db.prepare('INSERT INTO records (kind, key, value) VALUES (?, ?, ?)').run(
        's3.object',
        'bytes\u0000legacy',
        JSON.stringify({
          key: 'legacy',
          body: Buffer.from('written by an older version').toString('base64'),
          etag: createHash('md5').update('written by an older version').digest('hex'),
          lastModified: 0,
          contentType: 'text/plain',
          headers: {},
          metadata: {},
          sequencer: '0',
        }),
      );
      db.close();

      const second = await startTestCloud({ dataDir, port });
      const read = async (key: string) => {
        const got = await client.send(new GetObjectCommand({ Bucket: 'bytes', Key: key }));
        return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
      };
      const [bytes, empty, legacy] = [await read('every-byte'), await read('empty'), await read('legacy')];
      const buckets = await client.send(new ListBucketsCommand({}));
      client.destroy();
      await second.cloud.stop();

      expect(stored).toEqual([
        { key: 'bytes\u0000empty', type: 'blob', bytes: 0 },
        { key: 'bytes\u0000every-byte', type: 'blob', bytes: 512 },
      ]);
      expect(bytes.equals(everyByte)).toBe(true);
      expect([empty.length, legacy.toString()]).toEqual([0, 'written by an older version']);
      expect(buckets.Buckets?.map((b) => b.Name)).not.toContain('gone');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
