// Tells a secret's owner (tag smcp:owner) about it on the cleanup's SNS topic. The owner travels as the message
// attribute `owner`, so each team subscribes with a filter policy (`{"owner": ["team-a"]}`) and gets only its own;
// secrets without an owner go out with `owner` = `unowned`.
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { oneLine, printableLines } from '../../shared/domain/sanitise.ts';

interface OwnerNotices {
  notify(notice: { owner: string | undefined; subject: string; message: string }): Promise<void>;
}

const UNOWNED = 'unowned';

// SNS caps subjects at 100 characters and refuses line breaks and control characters in them. Every text goes through
// the one sanitiser: a secret's name and its smcp:owner tag were chosen by whoever created it.
const subjectLine = (subject: string) => Array.from(oneLine(subject, Number.POSITIVE_INFINITY)).slice(0, 100).join('');

const createOwnerNotices = ({ sns, topicArn }: { sns: SNSClient; topicArn: string }): OwnerNotices => ({
  async notify({ owner, subject, message }) {
    await sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subjectLine(subject),
        Message: printableLines(message),
        MessageAttributes: { owner: { DataType: 'String', StringValue: oneLine(owner, 256) || UNOWNED } },
      }),
    );
  },
});

export type { OwnerNotices };
export { createOwnerNotices, UNOWNED };
