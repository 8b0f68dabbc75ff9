// Identities compared by what a person would read, not by their bytes: `Local-Operator`, `local-operator` and
// `local-operator` followed by a zero-width space are one operator, so the requester may not approve under any of
// those spellings. Pure; the policy (policy.ts) compares only these keys.
//
// The key: Unicode NFKC (compatibility forms: full-width letters, ligatures, superscripts fold to plain ones),
// invisible and control characters removed (`\p{Cf}` zero-width and bidi characters, default-ignorables, C0/C1),
// case folded (upper- then lower-case, which folds `ß` to `ss` and final sigma as full case folding does), NFKC again
// (folding can un-normalise), whitespace collapsed to one space and trimmed. Look-alike letters from other scripts
// (Cyrillic `а` for Latin `a`) stay distinct: that needs Unicode's confusables data (docs/approvals.md, limits).
import { visibleWords } from '../../shared/domain/sanitise.ts';

/** The comparison key of an identity (a name, an email, a Slack id, a principal ARN); '' for nothing usable. */
const identityKey = (value: unknown): string => {
  if (typeof value !== 'string') return '';
  const visible = visibleWords(value.normalize('NFKC'));
  return visibleWords(visible.toUpperCase().toLowerCase().normalize('NFKC')).trim();
};

/**
 * The name inside an AWS principal ARN, as a person would spell it: an IAM user's name (`…:user/path/alice` → alice),
 * an assumed role's session name (`…:assumed-role/Role/alice@example.com` → alice@example.com, what SSO sets), a
 * federated user's name. Undefined for the account root, a role itself and anything that is not such an ARN.
 */
const principalName = (arn: unknown): string | undefined => {
  if (typeof arn !== 'string') return undefined;
  const match = /^arn:aws[\w-]*:(?:iam|sts)::\d{12}:(user|assumed-role|federated-user)\/(.+)$/.exec(arn.trim());
  if (!match) return undefined;
  const [, kind, rest = ''] = match;
  const parts = rest.split('/');
  // An assumed role is `Role/session`; a user or federated user may have a path: its name is the last part.
  const name = kind === 'assumed-role' ? parts.slice(1).join('/') : parts.at(-1);
  return name === undefined || name === '' ? undefined : name;
};

export { identityKey, principalName };
