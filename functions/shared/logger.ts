import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per function. Log ids, names and verdicts only: a secret value must never reach a log line,
 * so nothing here logs whole events or SDK responses.
 */
const createLogger = (serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'smcp'): Logger =>
  new Logger({ serviceName });

export { createLogger };
