// ARNs and names: building them, and refusing malformed ones with the errors AWS gives.
import { invalidArn, invalidName } from './errors.ts';

const stateMachineArn = (region: string, account: string, name: string) =>
  `arn:aws:states:${region}:${account}:stateMachine:${name}`;

const executionArn = (machineArn: string, name: string) => {
  const [prefix, machineName] = splitResource(machineArn);
  return `${prefix}execution:${machineName}:${name}`;
};

// `arn:aws:states:us-east-1:000000000000:stateMachine:name` → ['arn:aws:states:us-east-1:000000000000:', 'name']
const splitResource = (arn: string): [string, string] => {
  const parts = arn.split(':');
  return [`${parts.slice(0, 5).join(':')}:`, parts.slice(6).join(':')];
};

const ARN_SHAPE = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:([A-Za-z]+):(.+)$/;

/** Checks an ARN names the resource type the operation expects; AWS answers InvalidArn otherwise. */
const checkArn = (arn: string, type: 'stateMachine' | 'execution') => {
  if (!arn.startsWith('arn:')) throw invalidArn(`Invalid ARN prefix: ${arn}`);
  const match = ARN_SHAPE.exec(arn);
  if (!match) throw invalidArn(`Invalid ARN: ${arn}`);
  if (match[1] !== type) throw invalidArn(`Resource type not valid in this context: ${match[1]}`);
  const segments = (match[2] ?? '').split(':');
  if (segments.length !== (type === 'execution' ? 2 : 1) || segments.some((s) => s === '')) {
    throw invalidArn(`Invalid ARN: ${arn}`);
  }
};

// What AWS forbids in state machine and execution names: whitespace, brackets, wildcards, these specials and
// control characters (U+0000–001F, U+007F–009F).
const FORBIDDEN = new Set(' \t\n\r\f\v<>{}[]?*"#%\\^|~`$&,;:/');
const isControl = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

const checkName = (name: string) => {
  const bad =
    name.length < 1 ||
    name.length > 80 ||
    [...name].some((ch) => FORBIDDEN.has(ch) || isControl(ch.codePointAt(0) ?? 0) || /\s/u.test(ch));
  if (bad) throw invalidName(name);
};

export { checkArn, checkName, executionArn, stateMachineArn };
