// SDK clients for the rotation steps, created once per container. The SDK honours AWS_ENDPOINT_URL, which is how the
// unmodified steps reach the local cloud.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const memo = <T>(create: () => T): (() => T) => {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
};

const secretsManagerClient = memo(() => new SecretsManagerClient({}));
const dynamoDocumentClient = memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({})));
const eventBridgeClient = memo(() => new EventBridgeClient({}));
const snsClient = memo(() => new SNSClient({}));
const stepFunctionsClient = memo(() => new SFNClient({}));

export { dynamoDocumentClient, eventBridgeClient, secretsManagerClient, snsClient, stepFunctionsClient };
