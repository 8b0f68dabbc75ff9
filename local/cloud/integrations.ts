// Step Functions service integrations the workflows call without a Lambda step: `sns:publish` goes straight to the
// SNS service's typed publish and `events:putEvents` to the bus's PutEvents, as the AWS integrations call those APIs.
// (`lambda:invoke` is the Step Functions emulator's own.)
import type { EventBuses } from '../eventbridge/buses.ts';
import { roleCaller } from '../iam/identity.ts';
import { type MessageAttribute, type SnsEmulator, SnsError } from '../sns/index.ts';

interface IntegrationsOptions {
  readonly sns: SnsEmulator;
  readonly bus: Pick<EventBuses, 'putEvents'>;
  readonly region: string;
  readonly account: string;
  /** The role the integrations act as: an event bus's policy is evaluated against it. */
  readonly role?: string;
}

type Parameters = Record<string, unknown>;

const CALLBACK = /\.waitForTaskToken$/;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// The integration's Parameters mirror the API's: `MessageAttributes: { name: { DataType, StringValue | BinaryValue } }`.
const attributesOf = (value: unknown): Record<string, MessageAttribute> | undefined => {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(value as Record<string, Parameters>).map(([name, a]) => {
      const stringValue = text(a?.StringValue);
      const binaryValue = text(a?.BinaryValue);
      return [
        name,
        {
          DataType: text(a?.DataType) ?? 'String',
          ...(stringValue === undefined ? {} : { StringValue: stringValue }),
          ...(binaryValue === undefined ? {} : { BinaryValue: binaryValue }),
        },
      ];
    }),
  );
};

// The task fails as AWS reports a service's exception: `SNS.NotFoundException`, `SNS.InvalidParameterException`
// (the Step Functions emulator adds the `SNS.` prefix).
const snsFailure = (error: SnsError) => Object.assign(new Error(error.message), { name: `${error.code}Exception` });

const createIntegrations = ({ sns, bus, region, account, role }: IntegrationsOptions) => {
  const caller = role ? roleCaller(role, 'local-step-functions') : undefined;
  const snsPublish = (p: Parameters) => {
    try {
      const { messageId } = sns.publish({
        topicArn: text(p.TopicArn) ?? text(p.TargetArn) ?? '',
        // A JSON Message (a Parameters object) is sent as its JSON text, as the integration does.
        message: typeof p.Message === 'string' ? p.Message : (JSON.stringify(p.Message) ?? ''),
        subject: text(p.Subject),
        attributes: attributesOf(p.MessageAttributes),
        structure: p.MessageStructure === 'json' ? 'json' : undefined,
      });
      return { MessageId: messageId };
    } catch (error) {
      throw error instanceof SnsError ? snsFailure(error) : error;
    }
  };

  const byResource: Readonly<Record<string, (parameters: Parameters) => unknown>> = {
    'arn:aws:states:::sns:publish': snsPublish,
    'arn:aws:states:::events:putEvents': (p) => bus.putEvents(p, { region, account, ...(caller ? { caller } : {}) }),
  };

  /** Runs the integration behind a Task's `Resource` (with or without `.waitForTaskToken`). */
  return async (resource: string, parameters: unknown): Promise<unknown> => {
    const base = resource.replace(CALLBACK, '');
    const run = Object.hasOwn(byResource, base) ? byResource[base] : undefined;
    if (!run) {
      throw Object.assign(new Error(`The local cloud has no Step Functions integration for ${resource}`), {
        name: 'States.Runtime',
      });
    }
    return run((parameters ?? {}) as Parameters);
  };
};

export { createIntegrations };
