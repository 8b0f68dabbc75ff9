// How long a Wait state waits, computed as AWS does from Seconds, Timestamp, SecondsPath or TimestampPath against the
// state's effective input (after InputPath).
import type { WaitSpec } from './definition.ts';
import { taskError } from './failures.ts';

// Reference paths in Wait states are simple (`$.a.b`, `$.a[0]`, `$['a']`); that is all this resolves.
const readPath = (path: string, input: unknown): unknown => {
  if (!path.startsWith('$')) return undefined;
  const segments = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g)].map(
    (m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4] ?? '')),
  );
  let value: unknown = input;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
};

const untilTimestamp = (timestamp: unknown, now: Date, path: string) => {
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) {
    throw taskError(
      'States.Runtime',
      `The TimestampPath parameter does not reference a valid ISO-8601 timestamp: ${path}`,
    );
  }
  return Math.max(0, at - now.getTime());
};

/** Milliseconds to wait; a path that does not resolve fails the state with States.Runtime, as in AWS. */
const waitMs = (spec: WaitSpec, input: unknown, now: Date): number => {
  if (spec.seconds !== undefined) return spec.seconds * 1000;
  if (spec.timestamp !== undefined) return untilTimestamp(spec.timestamp, now, spec.timestamp);
  if (spec.secondsPath !== undefined) {
    const seconds = readPath(spec.secondsPath, input);
    if (typeof seconds !== 'number' || seconds < 0) {
      throw taskError(
        'States.Runtime',
        `The SecondsPath parameter does not reference a non-negative number: ${spec.secondsPath}`,
      );
    }
    return seconds * 1000;
  }
  if (spec.timestampPath !== undefined) {
    return untilTimestamp(readPath(spec.timestampPath, input), now, spec.timestampPath);
  }
  return 0;
};

export { waitMs };
