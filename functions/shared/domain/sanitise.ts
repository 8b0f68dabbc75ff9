// The one sanitiser for every text a person reads: SNS messages, Slack messages, the CLI, the local console line, the
// Slack webhook forwarder and the HTML pages of the approval links. Pure. Free text (a reason, a requester, a summary,
// a secret name) was chosen by whoever asked, so it must not be able to start a line of its own (a forged
// "Approve: https://evil…" above the real links), move the terminal's cursor (ESC sequences rewriting a row), reorder
// what is shown (bidi overrides), hide characters (zero-width) or ping, link and format in Slack.
//
// What goes: C0/C1 control characters (NUL, ESC, CSI, DEL…), format characters (`\p{Cf}`: zero-width space/joiners,
// bidi embeddings, overrides and isolates, the BOM…), the other default-ignorable code points (variation selectors,
// fillers) and the line and paragraph separators. Whitespace, line breaks included, becomes one space.

// Every invisible or layout-changing character. Whitespace controls (\t \n \r \v \f) are turned into spaces first.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
// The controls and separators that break lines or space words: a space, not nothing, so words stay apart.
const LAYOUT = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// After the invisible characters are gone (the BOM counts as whitespace in JS, but a person sees nothing).
const WHITESPACE = /\s+/gu;
const ELLIPSIS = '…';

/** Anything into a string: a person reads it, so `undefined` and objects must not throw. */
const textOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
};

/** At most `max` code points (never half a surrogate pair), an ellipsis marking the cut. */
const cut = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join('')}${ELLIPSIS}`;
};

/** Invisible and control characters removed; nothing else changed (line breaks go too: they are controls). */
const stripInvisible = (value: unknown): string => textOf(value).replace(INVISIBLE, '');

/** What a person sees of the words: line breaks and tabs as spaces, invisible characters gone, spaces collapsed. */
const visibleWords = (value: unknown): string =>
  stripInvisible(textOf(value).replace(LAYOUT, ' ')).replace(WHITESPACE, ' ');

/**
 * Free text on one line: whitespace runs (line breaks included) become one space, invisible and control characters
 * go, the ends are trimmed, and the result is cut at `max` code points.
 */
const oneLine = (value: unknown, max = 1000): string => cut(visibleWords(textOf(value).normalize('NFC')).trim(), max);

/**
 * Free text on one line, in double quotes, `"` and `\` escaped: where it ends is unambiguous, so a reason cannot pose
 * as the next field of a message.
 */
const quoted = (value: unknown, max = 1000): string => JSON.stringify(oneLine(value, max));

/**
 * Free text for Slack `mrkdwn` (and a message's fallback `text`): on one line, with `&`, `<` and `>` escaped as Slack
 * asks, so no `<!channel>`, `<@U…>` or `<https://evil|Click>` survives as a mention or a link.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
const slackEscaped = (value: unknown, max = 1000): string =>
  oneLine(value, max).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

/** Text for an HTML page: invisible characters removed (kept on its lines), every markup character escaped. */
const htmlEscaped = (value: unknown): string =>
  visibleWords(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * A message of several lines we composed (an SNS body): each line cleaned with `oneLine`, empty lines kept. Only the
 * composer's own line breaks survive; a field that brings line breaks must have gone through `oneLine` first.
 */
const printableLines = (value: unknown, maxLine = 2000): string =>
  textOf(value)
    .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
    .map((line) => oneLine(line, maxLine))
    .join('\n');

export { cut, htmlEscaped, oneLine, printableLines, quoted, slackEscaped, stripInvisible, visibleWords };
