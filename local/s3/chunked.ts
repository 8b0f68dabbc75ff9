// The aws-chunked content encoding S3 clients stream uploads in (`x-amz-content-sha256: STREAMING-…`, with
// `x-amz-decoded-content-length`): `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n` per chunk, a zero-size chunk,
// then optional trailers (`x-amz-checksum-crc32:…`, `x-amz-trailer-signature:…`) and an empty line. Signatures and
// trailing checksums are not checked: the local cloud checks no signature.

/** Whether the request's body is aws-chunked. */
const isAwsChunked = (contentSha256: string | undefined, contentEncoding: string | undefined): boolean =>
  (contentSha256?.startsWith('STREAMING-') ?? false) ||
  (contentEncoding?.split(',').some((coding) => coding.trim() === 'aws-chunked') ?? false);

// A chunk header is a size and a signature (64 hex digits) or a few extensions: far shorter than this.
const MAX_HEADER = 1024;
const SIZE = /^[0-9a-fA-F]{1,8}$/;

/** The payload of an aws-chunked body; undefined when the body is not well formed (IncompleteBody). */
const decodeAwsChunked = (body: Buffer): Buffer | undefined => {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0 || eol - at > MAX_HEADER) return undefined;
    const size = body.toString('latin1', at, eol).split(';', 1)[0] ?? '';
    if (!SIZE.test(size)) return undefined;
    const n = Number.parseInt(size, 16);
    at = eol + 2;
    if (n === 0) return Buffer.concat(parts);
    if (at + n + 2 > body.length) return undefined;
    parts.push(body.subarray(at, at + n));
    at += n;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) return undefined;
    at += 2;
  }
};

/** The `Content-Encoding` to keep once aws-chunked is decoded (S3 drops it), or undefined when none is left. */
const remainingEncoding = (contentEncoding: string | undefined): string | undefined => {
  const rest = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'aws-chunked');
  return rest.length > 0 ? rest.join(', ') : undefined;
};

export { decodeAwsChunked, isAwsChunked, remainingEncoding };
