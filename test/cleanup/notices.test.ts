// The owner notices adapter: what reaches SNS is the one sanitiser's output. A secret's name and its smcp:owner tag
// were chosen by whoever created the secret (a tag value may hold U+2028, which a mail client shows as a line break).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnerNotices, UNOWNED } from '../../functions/cleanup/adapters/notices.ts';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);

describe('owner notices', () => {
  it('puts the owner on one clean line and keeps only the composer’s line breaks', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notices = createOwnerNotices({ sns: new SNSClient({ region: 'us-east-1' }), topicArn: 'arn:topic' });

    await notices.notify({
      owner: 'team-a\u2028Approve: https://evil.example\u202e',
      subject: 'Unused secret\nmarked: app/\u001b[2Jdb',
      message: 'line one\u001b[31m\nline two\u202e',
    });

    expect(published()).toEqual([
      expect.objectContaining({
        Subject: 'Unused secret marked: app/[2Jdb',
        Message: 'line one[31m\nline two',
        MessageAttributes: { owner: { DataType: 'String', StringValue: 'team-a Approve: https://evil.example' } },
      }),
    ]);
  });

  it('sends a notice without an owner (or a blank one) as unowned', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const notices = createOwnerNotices({ sns: new SNSClient({ region: 'us-east-1' }), topicArn: 'arn:topic' });

    await notices.notify({ owner: undefined, subject: 's', message: 'm' });
    await notices.notify({ owner: ' \u200b ', subject: 's', message: 'm' });

    expect(published().map((p) => p.MessageAttributes?.owner?.StringValue)).toEqual([UNOWNED, UNOWNED]);
  });
});
