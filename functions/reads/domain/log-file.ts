// Which objects of the trail bucket are CloudTrail log files, and the key an S3 notice names. Pure.
//
// CloudTrail writes `[<prefix>/]AWSLogs/[<org id>/]<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/
// <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 letters or digits>.json.gz`. The same bucket may hold other
// objects under AWSLogs/ — digest files (`CloudTrail-Digest/`, when log file validation is on), Insights events
// (`CloudTrail-Insight/`), the writability check of AWS Config — which are not read.
const LOG_FILE_KEY =
  /(?:^|\/)AWSLogs\/(?:o-[a-z0-9]{10,32}\/)?\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/;

/** Whether an object key is a CloudTrail log file's (digests and other objects under AWSLogs/ are not). */
const isLogFileKey = (key: string): boolean => LOG_FILE_KEY.test(key);

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

export { isLogFileKey, objectKeyOf };
