// SDK client factories. Clients are created once per container and reused across invocations.
// The SDK honours AWS_ENDPOINT_URL, which is how the unmodified handlers reach the local cloud.
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';

const memo = <T>(create: () => T): (() => T) => {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
};

const sfnClient = memo(() => new SFNClient({}));
const sqsClient = memo(() => new SQSClient({}));

export { sfnClient, sqsClient };
