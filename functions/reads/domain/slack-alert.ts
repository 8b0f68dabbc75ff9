// The read spike alert as a Slack Block Kit message: the notification's subject as the header and its text as one
// section. Every part is `plain_text` (principals, user agents and reasons come from callers and could otherwise
// mention @channel, format or link), and the fallback text is escaped as Slack asks (&, <, >).
// https://api.slack.com/reference/surfaces/formatting#escaping

// Slack's limits: header 150 characters, a section's text 3000.
const LIMITS = { header: 150, section: 2_900, text: 2_000 } as const;

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const escapeText = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const plain = (text: string, max: number) => ({ type: 'plain_text', text: cut(text, max), emoji: false });

const slackAlertOf = (notification: { subject: string; message: string }) => {
  const headline = notification.subject.replace(/^\[smcp\]\s*/, '');
  return {
    text: cut(escapeText(headline), LIMITS.text),
    blocks: [
      { type: 'header', text: plain(headline, LIMITS.header) },
      { type: 'section', text: plain(notification.message, LIMITS.section) },
      { type: 'context', elements: [plain('smcp read-anomaly-response', 100)] },
    ],
  };
};

export { slackAlertOf };
