// The optional health check behind a verification: the secret's `smcp:health-url` tag names an endpoint of the
// application that uses the secret, which must answer 2xx once AWSCURRENT is in place. Whoever may tag a secret
// chooses where the verify step sends a GET, so the URL is held to a narrow shape: https (plain http only to the
// loopback host, for local runs), no user:password part, no fragment. What is logged or reported is the origin and
// path only: a query string may carry a key.

const HEALTH_URL_TAG = 'smcp:health-url';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

type HealthUrl = { ok: true; url: string; shown: string } | { ok: false; reason: string };

const parseHealthUrl = (raw: string): HealthUrl => {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: `${HEALTH_URL_TAG} is not a URL` };
  }
  const shown = `${url.origin}${url.pathname}`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { ok: false, reason: `${HEALTH_URL_TAG} must be https (plain http only to localhost): ${shown}` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: `${HEALTH_URL_TAG} must not carry a user name or password: ${url.origin}` };
  }
  url.hash = '';
  return { ok: true, url: url.toString(), shown };
};

export type { HealthUrl };
export { HEALTH_URL_TAG, parseHealthUrl };
