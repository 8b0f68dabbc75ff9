import { describe, expect, it } from 'vitest';
import { isLogFileKey, logFileOrigin, objectKeyOf } from '../../functions/reads/domain/log-file.ts';
import { logFileKey } from './log-file-fixtures.ts';

describe('log-file keys', () => {
  it('knows CloudTrail’s log files, with a key prefix or an organization trail’s folder', () => {
    const key = logFileKey();

    expect(isLogFileKey(key)).toBe(true);
    expect(isLogFileKey(`team/trails/${key}`)).toBe(true);
    expect(isLogFileKey(key.replace('AWSLogs/', 'AWSLogs/o-exampleorgid/'))).toBe(true);
  });

  it('tells whose account and region a log file holds, in an account trail’s layout and an organisation trail’s', () => {
    const org =
      'AWSLogs/o-aa111bb222/111122223333/CloudTrail/eu-west-1/2026/01/07/111122223333_CloudTrail_eu-west-1_20260107T1005Z_AbCdEfGhIjKlMnOp.json.gz';

    expect(logFileOrigin(logFileKey())).toEqual({ account: '000000000000', region: 'us-east-1' });
    expect(logFileOrigin(org)).toEqual({ account: '111122223333', region: 'eu-west-1' });
    // The folder and the file name must agree.
    expect(logFileOrigin(org.replace('/eu-west-1/', '/us-east-1/'))).toBeUndefined();
    expect(logFileOrigin(org.replace('/111122223333/', '/000000000000/'))).toBeUndefined();
    // Not an organisation id: `o-` and 10 to 32 lower-case letters or digits.
    expect(logFileOrigin(org.replace('o-aa111bb222', 'o-short'))).toBeUndefined();
  });

  it('leaves out the other objects CloudTrail and AWS Config put under AWSLogs/', () => {
    expect(
      [
        'AWSLogs/000000000000/CloudTrail-Digest/us-east-1/2026/01/07/000000000000_CloudTrail-Digest_us-east-1_t_us-east-1_20260107T100500Z.json.gz',
        'AWSLogs/000000000000/CloudTrail-Insight/us-east-1/2026/01/07/000000000000_CloudTrail-Insight_us-east-1_20260107T1005Z_AbCdEfGhIjKlMnOp.json.gz',
        'AWSLogs/o-aa111bb222/000000000000/CloudTrail-Digest/us-east-1/2026/01/07/000000000000_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20260107T100500Z.json.gz',
        'AWSLogs/000000000000/Config/ConfigWritabilityCheckFile',
        `${logFileKey()}.tmp`,
        'AWSLogs/',
      ].map(isLogFileKey),
    ).toEqual([false, false, false, false, false, false]);
  });

  it('decodes the key S3 URL-encodes in its notices, and refuses text that is not URL encoding', () => {
    expect(objectKeyOf('my+logs/AWSLogs/a%2Bb.json.gz')).toBe('my logs/AWSLogs/a+b.json.gz');
    expect(objectKeyOf(logFileKey())).toBe(logFileKey());
    expect(objectKeyOf('AWSLogs/%E0%A4%A')).toBeUndefined();
  });
});
