// Notifications to people through an SNS topic (email, Slack through a subscription, the local console).
// Messages carry ids, names, reasons and approval links: never a secret value or a task token.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { oneLine, printableLines } from '../domain/sanitise.ts';

interface Notifier {
  notify(subject: string, message: string): Promise<void>;
}

// SNS caps subjects at 100 characters, and rejects line breaks and control characters in them.
const subjectLine = (subject: string) => Array.from(oneLine(subject, Number.POSITIVE_INFINITY)).slice(0, 100).join('');

const createNotifier = ({ sns, topicArn }: { sns: SNSClient; topicArn: string }): Notifier => ({
  async notify(subject, message) {
    // Every line without control, format or bidi characters (the shared sanitiser): a field that brought line breaks
    // was put on one line by whoever composed the message.
    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Subject: subjectLine(subject), Message: printableLines(message) }),
    );
  },
});

export type { Notifier };
export { createNotifier };
