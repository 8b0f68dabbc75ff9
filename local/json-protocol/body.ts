// JSON read within limits: a request body, or a JSON document carried in a member (an execution's input, an event's
// Detail). Depth is measured on the text before it is parsed and never by recursion, so no request can make the
// endpoint or an emulator exhaust its stack; size is bounded so none can make it buffer without end.

import { valueNestsDeeperThan } from '../../functions/shared/domain/nesting.ts';
import type { ErrorVocabulary } from './errors.ts';

interface JsonLimits {
  /** Bytes of request body a service accepts. */
  readonly maxBytes: number;
  /** How deep arrays and objects may nest. */
  readonly maxDepth: number;
}

// 2 MiB holds the largest member any emulated operation accepts (256 KiB: an execution input, a message, an event)
// even when JSON escaping makes it six times longer on the wire. No AWS request nests anywhere near 100 levels, and 100
// leaves the recursive code behind the endpoint (pattern matching, ASL evaluation, structuredClone) far from its stack.
const DEFAULT_LIMITS: JsonLimits = { maxBytes: 2 * 1024 * 1024, maxDepth: 100 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Whether arrays and objects in `text` nest deeper than `max`; brackets inside strings do not count. */
const nestsDeeperThan = (text: string, max: number): boolean => {
  // Each level takes a character to open: a text no longer than `max` cannot nest deeper (most request bodies).
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
};

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/**
 * Parses a JSON document no deeper than `maxDepth`. The problem reads after the document's name ("Detail is not valid
 * JSON") and never quotes the text, which may hold a secret.
 */
const parseJson = (text: string, maxDepth = DEFAULT_LIMITS.maxDepth): Parsed => {
  if (nestsDeeperThan(text, maxDepth)) return { ok: false, problem: `nests deeper than ${maxDepth} levels` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: 'is not valid JSON' };
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The body of a JSON-protocol request: an object (empty body: `{}`), or the service's SerializationException. */
const readRequestBody = (
  body: Buffer,
  errors: ErrorVocabulary,
  limits: JsonLimits = DEFAULT_LIMITS,
): Record<string, unknown> => {
  if (body.length === 0) return {};
  if (body.length > limits.maxBytes) {
    throw errors.serialization(`Request body of ${body.length} bytes exceeds the ${limits.maxBytes} bytes accepted`);
  }
  // toString() without arguments is UTF-8, by Node's shortest path.
  const parsed = parseJson(body.toString(), limits.maxDepth);
  if (!parsed.ok) throw errors.serialization(`Request body ${parsed.problem}`);
  if (!isObject(parsed.value)) throw errors.serialization('Request body must be a JSON object');
  return parsed.value;
};

export type { JsonLimits, Parsed };
export { DEFAULT_LIMITS, isObject, nestsDeeperThan, parseJson, readRequestBody, valueNestsDeeperThan };
