// detect-spikes: every minute, for each secret read in the recently closed minutes, feed its counts to its detector
// and announce each new episode as `Read Spike Detected`. Secrets with no new reads cost nothing: their silent minutes
// are fed as zeros the next time they are read (a spike is never silent). No cursor: each run looks back a few
// closed minutes, and each detector remembers the last minute it was fed, so a missed or repeated run neither skips
// nor double-feeds a minute; after an outage longer than the look-back the first run with reads looks back to the
// last saved run (the detectors object's `through`), at most a day. Every detector is loaded at the start of a run and
// saved once at its end (one object: adapters/detector-store.ts), only when the run fed one.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPublisher } from '../../shared/adapters/bus.ts';
import type { Counters, ReadWindow } from '../adapters/counters.ts';
import type { DetectorStore } from '../adapters/detector-store.ts';
import { MINUTE_MS, minuteOf } from '../domain/aggregate.ts';
import { type Alert, feedMinutes } from '../domain/detect-window.ts';
import type { DetectorParams } from '../domain/detector.ts';
import type { ReadSpikeDetectedDetail } from '../schemas.ts';
import { describeReaders } from './readers.ts';

interface DetectDeps {
  readonly counters: Pick<Counters, 'window'>;
  readonly store: DetectorStore;
  readonly bus: EventPublisher;
  readonly logger: Logger;
  readonly params: DetectorParams;
  /** CloudTrail delivers events minutes late: a minute is closed this long after it ends. */
  readonly closeAfterMs: number;
  /**
   * How many closed minutes each run looks back, for the secrets read there and their counts: every secret read in
   * them whose detector has not seen its latest read is fed from the minute after its last one. A secret's reads are
   * in the look-back of the runs after them, so the minutes before it were fed already or were silent.
   */
  readonly lookbackMinutes?: number;
  /**
   * How far back, at most, a run looks when the last saved run is older than its look-back (an outage of detect-spikes,
   * or an hour nobody read anything): to the minute after that run's last closed one, so reads in the gap are fed
   * as reads, not silence. A day: as far as a detector is fed zeros (feedMinutes), and well within the read objects'
   * eight days.
   */
  readonly catchUpMinutes?: number;
  /** How many principals, IPs, user agents and regions an alert names. */
  readonly topN?: number;
}

interface DetectSummary {
  readonly closedThrough: string;
  readonly secrets: number;
  readonly alerts: readonly { secretArn: string; windowStart: string; score: number }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

const createDetect = ({
  counters,
  store,
  bus,
  logger,
  params,
  closeAfterMs,
  lookbackMinutes = 60,
  catchUpMinutes = 24 * 60,
  topN = 5,
}: DetectDeps) => {
  // The dispatcher validates the event with ReadSpikeDetectedDetail; who read comes along for people reading the bus.
  const alertDetail = async (view: ReadWindow, secretArn: string, alert: Alert) => {
    const spike = {
      secretId: secretArn,
      windowStart: iso(alert.minute),
      windowEnd: iso(alert.minute + MINUTE_MS),
      observed: alert.observed,
      expected: alert.result.expected,
      score: alert.result.score,
    } satisfies ReadSpikeDetectedDetail;
    return { ...spike, ...(await describeReaders(view, secretArn, alert.minute, alert.minute, topN)) };
  };

  /** `now`: the schedule's event time, so a late or retried invocation judges the minutes it was meant to. */
  return async (now: Date): Promise<DetectSummary> => {
    const lastClosed = minuteOf(now.getTime() - closeAfterMs) - MINUTE_MS;
    const since = (count: number) => Array.from({ length: count }, (_, i) => lastClosed - (count - 1 - i) * MINUTE_MS);
    /** The secrets read in `minutes`, with the first and the last minute each was read there. */
    const readIn = (view: ReadWindow, minutes: readonly number[]) => {
      const active = view.activeSecrets(minutes);
      const first = new Map<string, number>();
      const last = new Map<string, number>();
      for (const minute of minutes) {
        for (const arn of active.get(minute) ?? []) {
          if (!first.has(arn)) first.set(arn, minute);
          last.set(arn, minute);
        }
      }
      return { first, last };
    };
    let minutes = since(lookbackMinutes);
    // One read of the counters for the run: the look-back's secrets, their counts and who read.
    let view = await counters.window(minutes[0] ?? lastClosed, lastClosed);
    let { first: firstActive, last: lastActive } = readIn(view, minutes);

    const snapshot = firstActive.size > 0 ? await store.load() : undefined;
    // The last saved run closed before this look-back began: the runs between failed or fed nothing. Look back to it,
    // so what was read in between is fed as reads (a secret read only then included), not as silence.
    const gap = snapshot?.through === undefined ? 0 : ((minutes[0] ?? lastClosed) - snapshot.through) / MINUTE_MS - 1;
    if (gap > 0) {
      minutes = since(Math.min(lookbackMinutes + gap, catchUpMinutes));
      view = await counters.window(minutes[0] ?? lastClosed, lastClosed);
      ({ first: firstActive, last: lastActive } = readIn(view, minutes));
      logger.info('Looking back to the last saved run', {
        from: iso(minutes[0] ?? lastClosed),
        minutes: minutes.length,
      });
    }
    const pending: { secretArn: string; detail: Awaited<ReturnType<typeof alertDetail>> }[] = [];
    let updated = 0;
    for (const [secretArn, first] of firstActive) {
      const stored = snapshot?.detectors.get(secretArn);
      // Fed through a minute at or after its last read: nothing new (its silent minutes since wait for its next read).
      // Checking against the last closed minute instead would save a secret read once every minute it stays in the
      // look-back: sixty state writes for one read.
      if (stored && stored.last >= (lastActive.get(secretArn) ?? lastClosed)) continue;
      const start = stored ? stored.last + MINUTE_MS : first;
      const counts = view.bucketCounts(secretArn, start, lastClosed);
      const fed = feedMinutes(stored, first, lastClosed, counts, params);
      for (const alert of fed.alerts) pending.push({ secretArn, detail: await alertDetail(view, secretArn, alert) });
      snapshot?.detectors.set(secretArn, fed.stored);
      updated++;
    }
    // Saved before the alerts are sent: a retry after a failed send finds the episode open and stays quiet rather
    // than alerting twice; the failure itself is logged as an error below, with the alert. A save that fails (another
    // run saved first) sends nothing: the next run feeds the same minutes from the saved state and alerts then.
    const kept = snapshot && updated > 0 ? await store.save(snapshot, lastClosed) : undefined;
    const alerts: DetectSummary['alerts'][number][] = [];
    let failure: unknown;
    for (const { secretArn, detail } of pending) {
      alerts.push({ secretArn, windowStart: detail.windowStart, score: detail.score });
      try {
        await bus.publish('Read Spike Detected', detail, [secretArn]);
        logger.warn('Read spike detected', { secretArn, windowStart: detail.windowStart, score: detail.score });
      } catch (error) {
        logger.error('Could not publish a read-spike alert', {
          secretArn,
          windowStart: detail.windowStart,
          error: (error as Error).message,
        });
        failure ??= error;
      }
    }
    // Every alert was tried; the run fails if one could not be sent, so the failure shows in the function's errors.
    if (failure !== undefined) throw failure;
    if (kept && kept.dropped > 0) logger.info('Detectors of secrets not read for a while dropped', kept);
    if (updated > 0) logger.debug('Detectors updated', { closedThrough: iso(lastClosed), secrets: updated });
    return { closedThrough: iso(lastClosed), secrets: updated, alerts };
  };
};

export type { DetectDeps, DetectSummary };
export { createDetect };
