// Kept only for the approval modules that still import it from here (functions/approvals/*, handler-request-approval);
// they move to functions/approvals/ and import functions/shared/clients.ts, the one client module. Delete this file
// once nothing imports it. Rotation's own code uses functions/shared/clients.ts.
export {
  dynamoDocumentClient,
  eventBridgeClient,
  secretsManagerClient,
  sfnClient as stepFunctionsClient,
  snsClient,
} from '../../shared/clients.ts';
