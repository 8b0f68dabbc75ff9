// The page's calls to the console API on its own origin.

class ConsoleApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ConsoleApiError';
    this.status = status;
  }
}

const get = async <T>(path: string): Promise<T> => {
  const response = await fetch(`api/${path}`, { headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ConsoleApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body as T;
};

const post = async <T>(path: string): Promise<T> => {
  const response = await fetch(`api/${path}`, {
    method: 'POST',
    // The console's header: the server takes decisions only from requests that carry it (a form elsewhere cannot).
    headers: { 'content-type': 'application/json', 'x-smcp-console': '1' },
    body: '{}',
  });
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ConsoleApiError(response.status, body.error ?? `HTTP ${response.status}`);
  return body as T;
};

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

export { ConsoleApiError, get, path, post };
