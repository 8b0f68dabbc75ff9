// GetRandomPassword: cryptographic randomness over AWS's character classes.
import { randomInt } from 'node:crypto';
import type { CallContext } from '../protocol.ts';
import type { Core } from './core.ts';
import { invalidParameter } from './errors.ts';
import { createReader } from './input.ts';

const CLASSES = {
  lowercase: 'abcdefghijklmnopqrstuvwxyz',
  uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  numbers: '0123456789',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
} as const;

interface PasswordOptions {
  readonly length: number;
  readonly excludeCharacters: string;
  readonly excludeNumbers: boolean;
  readonly excludePunctuation: boolean;
  readonly excludeUppercase: boolean;
  readonly excludeLowercase: boolean;
  readonly includeSpace: boolean;
  readonly requireEachIncludedType: boolean;
}

const pick = (chars: string) => chars.charAt(randomInt(chars.length));

const generatePassword = (o: PasswordOptions): string => {
  const keep = (chars: string) => [...chars].filter((c) => !o.excludeCharacters.includes(c)).join('');
  const included = [
    o.excludeLowercase ? '' : keep(CLASSES.lowercase),
    o.excludeUppercase ? '' : keep(CLASSES.uppercase),
    o.excludeNumbers ? '' : keep(CLASSES.numbers),
    o.excludePunctuation ? '' : keep(CLASSES.punctuation),
  ].filter((c) => c.length > 0);
  const all = included.join('') + (o.includeSpace && !o.excludeCharacters.includes(' ') ? ' ' : '');
  if (all.length === 0) throw invalidParameter('The password cannot be generated: every character has been excluded.');
  const required = o.requireEachIncludedType ? included.map(pick) : [];
  if (required.length > o.length) throw invalidParameter('Password length is too short based on the required types.');
  const chars = [...required, ...Array.from({ length: o.length - required.length }, () => pick(all))];
  // Fisher–Yates, so the required characters do not sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
};

const getRandomPassword = (_core: Core, input: Record<string, unknown>, _ctx: CallContext) => {
  const read = createReader(input);
  const options: PasswordOptions = {
    length: read.integer('PasswordLength', { min: 1, max: 4096 }) ?? 32,
    excludeCharacters: read.string('ExcludeCharacters', { min: 0, max: 4096 }) ?? '',
    excludeNumbers: read.bool('ExcludeNumbers') ?? false,
    excludePunctuation: read.bool('ExcludePunctuation') ?? false,
    excludeUppercase: read.bool('ExcludeUppercase') ?? false,
    excludeLowercase: read.bool('ExcludeLowercase') ?? false,
    includeSpace: read.bool('IncludeSpace') ?? false,
    requireEachIncludedType: read.bool('RequireEachIncludedType') ?? true,
  };
  read.done();
  return { RandomPassword: generatePassword(options) };
};

export { CLASSES, generatePassword, getRandomPassword };
