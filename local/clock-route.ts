// The body of `POST /_smcp/clock {"advanceSeconds": N}`: how far to move the local clock forward. Time only moves
// forward, in whole seconds, and by at most ten years at a time (enough for any recovery window or yearly schedule;
// more is a typo).
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 60 * 60;

const readAdvance = (input: Record<string, unknown>): number => {
  const extra = Object.keys(input).filter((key) => key !== 'advanceSeconds');
  if (extra.length > 0) throw new Error(`Unknown field ${extra.join(', ')}: the body is {"advanceSeconds": N}`);
  const seconds = input.advanceSeconds;
  if (seconds === undefined) throw new Error('advanceSeconds is required: {"advanceSeconds": N}');
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new Error('advanceSeconds must be a number of seconds');
  }
  if (seconds < 0) throw new Error('advanceSeconds must not be negative: the local clock only moves forward');
  if (!Number.isInteger(seconds)) throw new Error('advanceSeconds must be a whole number of seconds');
  if (seconds > MAX_ADVANCE_SECONDS) {
    throw new Error(`advanceSeconds must be at most ${MAX_ADVANCE_SECONDS} (ten years) at a time`);
  }
  return seconds;
};

export { MAX_ADVANCE_SECONDS, readAdvance };
