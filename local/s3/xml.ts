// The XML of S3's REST API: answers built as text (S3's element order, its namespace) and the request documents
// (CreateBucketConfiguration, NotificationConfiguration, Delete) read with fast-xml-parser after a validation pass, so
// a document that is not well formed, nests deeper than 20 levels or declares a document type is MalformedXML and never
// reaches an operation. Entities are not expanded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { el, escapeXml } from '../sns/xml.ts';
import { type S3Error, s3Errors } from './errors.ts';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A whole answer: `<Root xmlns="…">children</Root>`. */
const document = (root: string, children: readonly string[]) =>
  `${DECLARATION}<${root} xmlns="${NAMESPACE}">${children.join('')}</${root}>`;

const errorDocument = (error: S3Error, requestId: string, resource: string) =>
  `${DECLARATION}${el('Error', [
    el('Code', error.code),
    el('Message', error.message),
    ...Object.entries(error.fields).map(([name, value]) => el(name, value)),
    el('Resource', resource),
    el('RequestId', requestId),
  ])}`;

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
  // Elements that may repeat are always lists, whether one or many came.
  isArray: (name) =>
    [
      'Object',
      'TopicConfiguration',
      'QueueConfiguration',
      'CloudFunctionConfiguration',
      'LambdaFunctionConfiguration',
    ].includes(name),
});

// A request document is small (a bucket's notification configuration, up to 1,000 keys to delete): 2 MB is plenty.
const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 20;

const depthOf = (value: unknown, depth = 0): number => {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
};

/** The document's root element's content, or MalformedXML; an empty body is `undefined`. */
const readDocument = (body: Buffer, root: string): Record<string, unknown> | undefined => {
  if (body.length === 0) return undefined;
  if (body.length > MAX_DOCUMENT_BYTES) throw s3Errors.malformedXml();
  const text = body.toString('utf8');
  // No document type: S3's documents have none, and an entity is not expanded here either way.
  if (/<!(DOCTYPE|ENTITY)/i.test(text) || XMLValidator.validate(text) !== true) throw s3Errors.malformedXml();
  let parsed: unknown;
  try {
    parsed = parser.parse(text);
  } catch {
    throw s3Errors.malformedXml();
  }
  if (depthOf(parsed) > MAX_DEPTH) throw s3Errors.malformedXml();
  const content = (parsed as Record<string, unknown>)[root];
  if (content === undefined) throw s3Errors.malformedXml();
  // `<Root/>` and `<Root></Root>` parse as an empty string.
  if (content === '' || content === null) return {};
  if (typeof content !== 'object' || Array.isArray(content)) throw s3Errors.malformedXml();
  return content as Record<string, unknown>;
};

export { document, el, errorDocument, escapeXml, NAMESPACE, readDocument };
