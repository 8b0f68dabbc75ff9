// Alert Slack, the read-anomaly response's second notification: posts the assessment's notification to the stage's
// alert channel when one is configured. Slack is a second channel beside SNS, so a failure is logged, reported in
// the result and never stops the remediation.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SlackPoster } from '../../shared/adapters/slack.ts';
import { slackAlertOf } from '../domain/slack-alert.ts';
import type { SlackAlertInput } from '../schemas.ts';

interface SlackAlertDeps {
  /** The alert channel's poster, or undefined when the stage names no channel. */
  readonly slack: () => Promise<SlackPoster | undefined>;
  readonly logger: Logger;
}

type SlackAlertResult = { posted: true; channel: string; ts: string } | { posted: false; reason: string };

const createSlackAlert =
  ({ slack, logger }: SlackAlertDeps) =>
  async ({ secretId, notification }: SlackAlertInput): Promise<SlackAlertResult> => {
    try {
      const poster = await slack();
      if (!poster) return { posted: false, reason: 'no Slack alert channel is configured' };
      const where = await poster.post(slackAlertOf(notification));
      logger.info('Read spike posted to Slack', { secretId, channel: where.channel });
      return { posted: true, ...where };
    } catch (error) {
      const reason = (error as Error).message;
      logger.error('Read spike not posted to Slack; the SNS notification went out', { secretId, reason });
      return { posted: false, reason };
    }
  };

export type { SlackAlertDeps, SlackAlertResult };
export { createSlackAlert };
