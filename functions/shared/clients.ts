// The SDK clients every function shares: one factory per client, each created once per container and reused across
// invocations. The SDK honours AWS_ENDPOINT_URL, which is how the unmodified handlers reach the local cloud.
// Each factory is marked pure, so a bundle keeps only the clients its function calls (the cold-start benchmark checks);
// the DynamoDB document client's lives in clients/dynamodb.ts, for the reason given there.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { dynamoDocumentClient } from './clients/dynamodb.ts';
import { memo } from './clients/memo.ts';

const secretsManagerClient = /* @__PURE__ */ memo(() => new SecretsManagerClient({}));
const eventBridgeClient = /* @__PURE__ */ memo(() => new EventBridgeClient({}));
const snsClient = /* @__PURE__ */ memo(() => new SNSClient({}));
const sfnClient = /* @__PURE__ */ memo(() => new SFNClient({}));
const sqsClient = /* @__PURE__ */ memo(() => new SQSClient({}));

const regionalSecretsManager = new Map<string, SecretsManagerClient>();
/** Secrets Manager in another Region (a replica's), one client per Region, built on first use. */
const secretsManagerClientIn = (region: string): SecretsManagerClient => {
  let client = regionalSecretsManager.get(region);
  if (!client) {
    client = new SecretsManagerClient({ region });
    regionalSecretsManager.set(region, client);
  }
  return client;
};

export {
  dynamoDocumentClient,
  eventBridgeClient,
  memo,
  secretsManagerClient,
  secretsManagerClientIn,
  sfnClient,
  snsClient,
  sqsClient,
};
