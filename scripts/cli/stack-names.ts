// The stack's resource names as serverless/<area>.yml writes them (`${self:service}-${sls:stage}-<resource>`), for
// commands that talk to AWS, where there is no resolved local stack to look them up in. test/reads/read-cost.cli.test.ts
// checks each against the stack the local cloud resolves, so a rename in the yml cannot leave them behind.

const stackResourceName = (service: string, stage: string, resource: string): string =>
  `${service}-${stage}-${resource}`;

/** serverless/reads.yml's ReadStateBucket (bucket names are global: the account and the region are in it). */
const readStateBucketName = (service: string, stage: string, account: string, region: string): string =>
  stackResourceName(service, stage, `read-state-${account}-${region}`);

export { readStateBucketName, stackResourceName };
