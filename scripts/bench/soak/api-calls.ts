// The Secrets Manager calls a soak run can see: the CloudTrail-shaped `AWS API Call via CloudTrail` events the local
// emulator puts on the bus for every call (local/secretsmanager/events.ts), as the bus kept them. Each process's list is
// read once, just before it exits: within one list the calls are in order and complete (up to the bus's last 10,000
// events); between two lists the calls made after the read and before the kill are missing. Checks built on them may
// only miss a violation, never invent one.

interface ApiCall {
  /** Which process (0: the first start) made it: calls of one process are in order and none is missing. */
  readonly lifetime: number;
  readonly eventName: string;
  /** The SecretId the caller gave (a name or an ARN). */
  readonly secretId: string;
  readonly ok: boolean;
  /** The request's parameters as CloudTrail records them (lowerCamelCase, values removed). */
  readonly params: Readonly<Record<string, unknown>>;
}

const CALL = 'AWS API Call via CloudTrail';

/** The Secrets Manager calls among one process's bus events. */
const apiCallsOf = (events: readonly unknown[], lifetime: number): ApiCall[] =>
  events.flatMap((event): ApiCall[] => {
    const e = event as { source?: string; 'detail-type'?: string; detail?: Record<string, unknown> };
    if (e.source !== 'aws.secretsmanager' || e['detail-type'] !== CALL || !e.detail) return [];
    const params = (e.detail.requestParameters ?? {}) as Record<string, unknown>;
    return [
      {
        lifetime,
        eventName: String(e.detail.eventName ?? ''),
        secretId: String(params.secretId ?? ''),
        ok: e.detail.errorCode === undefined,
        params,
      },
    ];
  });

export type { ApiCall };
export { apiCallsOf };
