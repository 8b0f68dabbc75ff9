// The SDK clients every function shares: one factory per client, each created once per container and reused across
// invocations. The SDK honours AWS_ENDPOINT_URL, which is how the unmodified handlers reach the local cloud.
// Each factory is marked pure, so a bundle keeps only the clients its function calls (the cold-start benchmark checks).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A factory that builds its client on the first call and returns the same one after. */
const memo = <T>(create: () => T): (() => T) => {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
};

const secretsManagerClient = /* @__PURE__ */ memo(() => new SecretsManagerClient({}));
const dynamoDocumentClient = /* @__PURE__ */ memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({})));
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
