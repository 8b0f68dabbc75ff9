import { createHash } from 'node:crypto';

// Step Functions names: 1–80 characters, no whitespace, brackets, wildcards or `"#%\^|~`$&,;:/`, no control
// characters. We keep to the strictest safe set (what CloudWatch logging also accepts).
const SAFE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The execution name for an event: the event id itself when it is a safe name (EventBridge ids are UUIDs), otherwise a
 * digest of it. Deterministic, so a second delivery of the same event asks for the same name and starts nothing new.
 */
const executionNameFor = (eventId: string): string =>
  SAFE_NAME.test(eventId) ? eventId : `evt-${createHash('sha256').update(eventId).digest('base64url')}`;

export { executionNameFor };
