// S3's errors as S3 answers them: an HTTP status and `<Error><Code/><Message/>…</Error>`, with the extra members S3
// adds for some codes (BucketName, Key, ProposedSize…). Messages are S3's own words. No message quotes an object's
// body or a request document.

class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  /** Members S3 adds to this error's document, in order (`BucketName`, `Key`, …). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(code: string, message: string, status = 400, fields: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new S3Error('NoSuchKey', 'The specified key does not exist.', 404, { Key: key }),
  alreadyOwned: (bucket: string) =>
    new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    ),
  notEmpty: (bucket: string) =>
    new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket }),
  invalidBucketName: (bucket: string) =>
    new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket }),
  keyTooLong: (size: number) =>
    new S3Error('KeyTooLongError', 'Your key is too long', 400, { Size: String(size), MaxSizeAllowed: '1024' }),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    ),
  tooLarge: (proposed: number, max: number) =>
    new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
      ProposedSize: String(proposed),
      MaxSizeAllowed: String(max),
    }),
  invalidArgument: (message: string, name?: string, value?: string) =>
    new S3Error(
      'InvalidArgument',
      message,
      400,
      name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' },
    ),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', message),
  invalidUri: () => new S3Error('InvalidURI', "Couldn't parse the specified URI."),
  methodNotAllowed: (method: string, resourceType: string) =>
    new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
      Method: method,
      ResourceType: resourceType,
    }),
  /** What the local S3 does not do (multipart uploads, CopyObject, ACLs, …), as S3 answers what it does not do. */
  notImplemented: (what: string) =>
    new S3Error(
      'NotImplemented',
      `A header or query you provided implies functionality that is not implemented in the local S3: ${what}`,
      501,
    ),
  noSuchBucketPolicy: (bucket: string) =>
    new S3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket }),
  invalidRange: (size: number) =>
    new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, {
      ActualObjectSize: String(size),
    }),
  badDigest: () => new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.'),
  invalidDigest: () => new S3Error('InvalidDigest', 'The Content-MD5 you specified is not valid.'),
  incompleteBody: () =>
    new S3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
    ),
  metadataTooLarge: () =>
    new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, {
      MaxSizeAllowed: '2048',
    }),
  illegalLocation: (constraint: string) =>
    new S3Error(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    ),
  invalidLocation: () => new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid'),
  internal: () => new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500),
};

export { S3Error, s3Errors };
