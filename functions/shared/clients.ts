// The SDK clients every function shares: one factory per client, each created once per container and reused across
// invocations. The SDK honours AWS_ENDPOINT_URL, which is how the unmodified handlers reach the local cloud.
// Each factory is marked pure, so a bundle keeps only the clients its function calls (the cold-start benchmark checks);
// the DynamoDB document client's lives in clients/dynamodb.ts, for the reason given there.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
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
// Path-style when an endpoint is set (the local cloud serves every bucket at its one URL); virtual-hosted in AWS.
const s3Client = /* @__PURE__ */ memo(() => new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) }));

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
  s3Client,
  secretsManagerClient,
  secretsManagerClientIn,
  sfnClient,
  snsClient,
  sqsClient,
};
