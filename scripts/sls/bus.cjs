// The control plane's own event bus, `<service>-<stage>` (serverless.yml custom.eventBusName), and its resource
// policy. CommonJS because serverless.yml's ${file(...)} loads JavaScript with require(); the local cloud reads the
// same resources from the resolved service, so the bus and the policy it enforces locally are the ones that deploy.
//
// Who may put events on it: the stack's own roles and the operators the stage param `eventBusPutters` names
// (comma-separated principal ARNs, e.g. the role `smcp rotate` runs as). In one account a resource policy's Allow adds
// to what IAM already allows, so an Allow for the stack's roles would keep nobody out: the policy is a Deny for every
// principal whose `aws:PrincipalArn` is not one of those. The stack's roles are recognised by their IAM path
// (`provider.iam.role.path`, `/<service>/<stage>/`), which every function role (serverless-iam-roles-per-function clones
// the provider role) and every state machine role (serverless-step-functions reads the same setting) gets:
// `aws:PrincipalArn` of a role session is the role's ARN with its path, so a function added by any area is admitted
// without editing this file, and nothing else is unless someone creates a role under that path (iam:CreateRole on
// `role/<service>/<stage>/*`, which IAM policies can reserve). Generated role names are not used: CloudFormation
// truncates them.
const LOGICAL_ID = 'ControlPlaneEventBus';

/** The comma-separated `eventBusPutters` param as a list of principal ARNs (empty entries dropped). */
const puttersOf = (value) =>
  String(value ?? '')
    .split(',')
    .map((arn) => arn.trim())
    .filter(Boolean);

const resources = async ({ resolveVariable }) => {
  const name = await resolveVariable('self:custom.eventBusName');
  const path = await resolveVariable('self:provider.iam.role.path');
  const putters = puttersOf(await resolveVariable("param:eventBusPutters, ''"));
  if (!/^\/([\w+=,.@-]+\/)+$/.test(path)) {
    throw new Error(`provider.iam.role.path must be an IAM path such as /smcp/dev/ (got ${JSON.stringify(path)})`);
  }
  for (const arn of putters) {
    if (!/^arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:assumed-role\/.+)$/.test(arn)) {
      throw new Error(`param eventBusPutters: ${arn} is not an IAM principal ARN`);
    }
  }
  return {
    [LOGICAL_ID]: { Type: 'AWS::Events::EventBus', Properties: { Name: name } },
    [`${LOGICAL_ID}Policy`]: {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: LOGICAL_ID },
        StatementId: 'OnlyTheStackAndOperatorsPutEvents',
        Statement: {
          Effect: 'Deny',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [LOGICAL_ID, 'Arn'] },
          Condition: {
            ArnNotLike: {
              'aws:PrincipalArn': [
                { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role${path}*` },
                ...putters,
              ],
            },
          },
        },
      },
    },
  };
};

module.exports = { LOGICAL_ID, puttersOf, resources };
