import { ConfigurationError } from './errors.ts';

/** Reads a required environment variable, failing with a message that names it. */
const requireEnv = (name: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new ConfigurationError(`Environment variable ${name} is not set; it is set by serverless.yml on deploy`);
  }
  return value;
};

export { requireEnv };
