// Tells a secret's owner (tag smcp:owner) about it on the cleanup's SNS topic. The owner travels as the message
// attribute `owner`, so each team subscribes with a filter policy (`{"owner": ["team-a"]}`) and gets only its own;
// secrets without an owner go out with `owner` = `unowned`.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

interface OwnerNotices {
  notify(notice: { owner: string | undefined; subject: string; message: string }): Promise<void>;
}

const UNOWNED = 'unowned';

// SNS caps subjects at 100 characters and refuses line breaks in them.
const subjectLine = (subject: string) => subject.replace(/[\r\n]+/g, ' ').slice(0, 100);

const createOwnerNotices = ({ sns, topicArn }: { sns: SNSClient; topicArn: string }): OwnerNotices => ({
  async notify({ owner, subject, message }) {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subjectLine(subject),
        Message: message,
        MessageAttributes: { owner: { DataType: 'String', StringValue: owner?.trim() || UNOWNED } },
      }),
    );
  },
});

export type { OwnerNotices };
export { createOwnerNotices, UNOWNED };
