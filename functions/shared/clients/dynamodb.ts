// The DynamoDB document client's factory, apart from the others in ../clients.ts. @aws-sdk/lib-dynamodb is the one SDK
// package here that does not declare `"sideEffects": false` (its paginators are built at load), so any bundle that
// imports it keeps and evaluates DynamoDB's client whether or not the function calls it. This folder's package.json
// declares its modules side-effect free: a bundle whose function never calls dynamoDocumentClient() drops this module,
// and lib-dynamodb with it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memo } from './memo.ts';

const dynamoDocumentClient = memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({})));

export { dynamoDocumentClient };
