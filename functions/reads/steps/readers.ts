// Who read a secret in a window, in the shape an alert and the response workflow name them.
import type { WindowReaders } from '../adapters/counters.ts';
import { accessKeyOf, principalArnOf } from '../domain/read-event.ts';

/** Who read a secret in a window, as an alert or the workflow names them. */
const describeReaders = async (
  counters: { readers(secretArn: string, from: number, to: number): WindowReaders | Promise<WindowReaders> },
  secretArn: string,
  from: number,
  to: number,
  topN: number,
) => {
  const readers = await counters.readers(secretArn, from, to);
  return {
    topPrincipals: readers.principals.slice(0, topN).map((p) => ({
      principal: principalArnOf(p.principal),
      ...(accessKeyOf(p.principal) ? { accessKeyId: accessKeyOf(p.principal) } : {}),
      count: p.count,
    })),
    sourceIps: readers.sourceIps.slice(0, topN),
    userAgents: readers.userAgents.slice(0, topN),
    regions: readers.regions.slice(0, topN),
  };
};

export { describeReaders };
