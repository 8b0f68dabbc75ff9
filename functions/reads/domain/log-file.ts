// Which objects of the trail bucket are CloudTrail log files, whose account and region each holds, and the key an S3
// notice names. Pure.
//
// CloudTrail writes `[<prefix>/]AWSLogs/[<org id>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/
// <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 letters or digits>.json.gz`: an organisation trail puts every
// member account's files under the organisation's id, a multi-region trail every region's under its own folder. The
// same bucket may hold other objects under AWSLogs/ — digest files (`CloudTrail-Digest/`, when log file validation is
// on), Insights events (`CloudTrail-Insight/`), the writability check of AWS Config — which are not read.
const LOG_FILE_KEY =
  /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{12})_CloudTrail_([a-z0-9-]+)_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

/** The account and region whose events a log file holds. */
interface LogFileOrigin {
  readonly account: string;
  readonly region: string;
}

/**
 * The account and region of the log file at `key`, or undefined when the key is not a CloudTrail log file's (digests
 * and other objects under AWSLogs/), or its folder and its name disagree on them.
 */
const logFileOrigin = (key: string): LogFileOrigin | undefined => {
  const match = LOG_FILE_KEY.exec(key);
  if (!match) return undefined;
  const [, account, region, nameAccount, nameRegion] = match;
  if (account === undefined || region === undefined || account !== nameAccount || region !== nameRegion)
    return undefined;
  return { account, region };
};

/** Whether an object key is a CloudTrail log file's (digests and other objects under AWSLogs/ are not). */
const isLogFileKey = (key: string): boolean => logFileOrigin(key) !== undefined;

/**
 * The object key an S3 notice names: S3 URL-encodes keys in its notifications (a space as `+`). CloudTrail's own
 * keys need no encoding, so they come out as they went in. Undefined when the text is not valid URL encoding.
 */
const objectKeyOf = (noticeKey: string): string | undefined => {
  try {
    return decodeURIComponent(noticeKey.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
};

export type { LogFileOrigin };
export { isLogFileKey, logFileOrigin, objectKeyOf };
