// How the console writes times, durations and sizes.

const time = (iso: string | undefined): string => {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
};

const duration = (ms: number | undefined): string => {
  if (ms === undefined || Number.isNaN(ms)) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
};

const size = (bytes: number | undefined): string => {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(1)} KB`;
};

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

const usd = (value: number) => `$${value < 0.01 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;

/** A secret's name from its ARN (the part after `secret:`, without the six characters Secrets Manager appends). */
const secretName = (id: string): string => {
  const at = id.indexOf(':secret:');
  if (at < 0) return id;
  const rest = id.slice(at + ':secret:'.length);
  return /-[A-Za-z0-9]{6}$/.test(rest) ? rest.slice(0, -7) : rest;
};

export { duration, secretName, shortId, size, time, usd };
