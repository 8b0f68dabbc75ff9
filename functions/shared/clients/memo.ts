/** A factory that builds its client on the first call and returns the same one after. */
const memo = <T>(create: () => T): (() => T) => {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
};

export { memo };
