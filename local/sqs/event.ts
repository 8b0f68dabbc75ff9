// A record of the event Lambda's SQS event source mapping delivers, built from a stored message.
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { md5OfMessageAttributes } from './md5.ts';
import type { ReceivedMessage } from './table.ts';

const lambdaAttributes = (message: ReceivedMessage): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, a]) => [
      name,
      {
        ...(a.StringValue === undefined ? {} : { stringValue: a.StringValue }),
        ...(a.BinaryValue === undefined ? {} : { binaryValue: a.BinaryValue }),
        stringListValues: [],
        binaryListValues: [],
        dataType: a.DataType,
      },
    ]),
  );

const toRecord = (message: ReceivedMessage, eventSourceARN: string, awsRegion: string): SQSRecord => {
  const md5 = md5OfMessageAttributes(message.messageAttributes);
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveAt),
      ...(message.deadLetterQueueSourceArn ? { DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn } : {}),
    },
    messageAttributes: lambdaAttributes(message),
    md5OfBody: message.md5OfBody,
    // Lambda sends null here when there are no attributes; omitting it keeps the record within SQSRecord's type.
    ...(md5 ? { md5OfMessageAttributes: md5 } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
};

export { toRecord };
