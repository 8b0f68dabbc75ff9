// Who is calling: the local cloud has no IAM, so the access key id names the caller. A key shaped like an IAM user's
// long-term key (AKIA + 16 upper-case letters or digits) signs as the IAM user of that name, so tests and demos can play
// several principals; any other key (`local`, `test`, …) signs as the account root. Every service that needs the caller
// asks here: CloudTrail's `userIdentity` (Secrets Manager's events), resource policies (a secret's, an event bus's) and
// STS GetCallerIdentity.

const USER_KEY = /^AKIA[A-Z0-9]{16}$/;

interface Caller {
  readonly type: 'IAMUser' | 'Root' | 'AssumedRole';
  /** The caller's ARN as GetCallerIdentity answers it (a session's `assumed-role/…` ARN for a role). */
  readonly arn: string;
  /** `aws:PrincipalArn`: the user, the role (not the session) or the root. */
  readonly principalArn: string;
  /** `aws:userid` and GetCallerIdentity's UserId. */
  readonly userId: string;
  readonly account: string;
  readonly accessKeyId?: string;
  /** `aws:username`, for IAM users. */
  readonly userName?: string;
}

const callerFor = (accessKeyId: string | undefined, account: string): Caller => {
  if (accessKeyId && USER_KEY.test(accessKeyId)) {
    const arn = `arn:aws:iam::${account}:user/${accessKeyId}`;
    return {
      type: 'IAMUser',
      arn,
      principalArn: arn,
      userId: `AIDA${accessKeyId.slice(4)}`,
      account,
      accessKeyId,
      userName: accessKeyId,
    };
  }
  const arn = `arn:aws:iam::${account}:root`;
  return { type: 'Root', arn, principalArn: arn, userId: account, account, ...(accessKeyId ? { accessKeyId } : {}) };
};

// Every call asks (its policy check, its CloudTrail record) and callers are few: each is made once. Callers are
// read-only values, so one object serves every call of the same key.
const CALLERS_KEPT = 1024;
const callers = new Map<string, Map<string | undefined, Caller>>();

const callerOf = (accessKeyId: string | undefined, account: string): Caller => {
  let ofAccount = callers.get(account);
  if (ofAccount === undefined) {
    if (callers.size >= CALLERS_KEPT) callers.clear();
    ofAccount = new Map();
    callers.set(account, ofAccount);
  }
  let caller = ofAccount.get(accessKeyId);
  if (caller === undefined) {
    caller = callerFor(accessKeyId, account);
    if (ofAccount.size >= CALLERS_KEPT) ofAccount.clear();
    ofAccount.set(accessKeyId, caller);
  }
  return caller;
};

/**
 * A caller that signs inside the local cloud, not over HTTP: a Step Functions service integration acts as its state
 * machine's role (in AWS, a session of the role the state machine assumes).
 */
const roleCaller = (roleArn: string, session: string): Caller => {
  const [, , , , account = '', resource = ''] = roleArn.split(':');
  const name = resource.split('/').at(-1) ?? resource;
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${account}:assumed-role/${name}/${session}`,
    principalArn: roleArn,
    userId: `AROA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 16)}:${session}`,
    account,
  };
};

/** CloudTrail's `userIdentity` for the caller. */
const userIdentityOf = (caller: Caller) => {
  if (caller.type === 'IAMUser') {
    return {
      type: 'IAMUser',
      principalId: caller.userId,
      arn: caller.arn,
      accountId: caller.account,
      accessKeyId: caller.accessKeyId,
      userName: caller.userName,
    };
  }
  if (caller.type === 'AssumedRole') {
    return {
      type: 'AssumedRole',
      principalId: caller.userId,
      arn: caller.arn,
      accountId: caller.account,
      sessionContext: { sessionIssuer: { type: 'Role', arn: caller.principalArn, accountId: caller.account } },
    };
  }
  // Two literals rather than a spread: a CloudTrail record of every call has one.
  return caller.accessKeyId
    ? {
        type: 'Root',
        principalId: caller.account,
        arn: caller.arn,
        accountId: caller.account,
        accessKeyId: caller.accessKeyId,
      }
    : { type: 'Root', principalId: caller.account, arn: caller.arn, accountId: caller.account };
};

export type { Caller };
export { callerOf, roleCaller, userIdentityOf };
