// Parks what cannot be processed in the dead-letter queue, so nothing is lost and nothing loops.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

interface DeadLetter {
  readonly reason: string;
  readonly source: string;
  readonly [key: string]: unknown;
}

interface DeadLetterQueue {
  send(letter: DeadLetter): Promise<void>;
}

const createDeadLetterQueue = ({ sqs, queueUrl }: { sqs: SQSClient; queueUrl: string }): DeadLetterQueue => ({
  async send(letter) {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(letter),
        MessageAttributes: { reason: { DataType: 'String', StringValue: letter.reason.slice(0, 256) } },
      }),
    );
  },
});

export type { DeadLetter, DeadLetterQueue };
export { createDeadLetterQueue };
