// The detector's running estimates (the anomaly likelihood's moments) learn with weight 1/k, k up to the history's
// length. A step smaller than `band` of the estimate is not taken, so once a key has had more than 1/band buckets,
// calm buckets no longer wear its history down and only a bucket well beyond the history moves it: the bar a key's
// first days and its larger surprises set is kept. docs/read-anomalies.md has the measurements that chose it (a
// twelfth round).

/** `to` if it lies at least `band` of `from` away from it (rounded for the persisted state), else `from`. */
const settle = (from: number, to: number, band: number, round: (x: number) => number): number =>
  Math.abs(to - from) < band * Math.abs(from) ? from : round(to);

export { settle };
