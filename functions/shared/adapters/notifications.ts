// Notifications to people through an SNS topic (email, Slack through a subscription, the local console).
// Messages carry ids, names, reasons and approval links: never a secret value or a task token.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

interface Notifier {
  notify(subject: string, message: string): Promise<void>;
}

// SNS caps subjects at 100 characters, and rejects line breaks in them.
const subjectLine = (subject: string) => subject.replace(/[\r\n]+/g, ' ').slice(0, 100);

const createNotifier = ({ sns, topicArn }: { sns: SNSClient; topicArn: string }): Notifier => ({
  async notify(subject, message) {
    await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subjectLine(subject), Message: message }));
  },
});

export type { Notifier };
export { createNotifier };
