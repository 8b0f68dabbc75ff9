// The last line of defence of `smcp local`: a rejection nobody handled (a bug in a background path whose cause was not
// found first) is logged and the endpoint keeps serving, instead of Node stopping the process. Only the error's name
// and where it was thrown are logged, never its message, which may quote a payload (a secret value, even). Tests do
// not install it: there an unhandled rejection must fail the run.

/** The log line for an unhandled rejection: the error's name and its first stack frames. */
const describeRejection = (reason: unknown): string => {
  const name = reason instanceof Error ? reason.name : typeof reason;
  const frames = reason instanceof Error ? (reason.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return [`[local] unexpected rejection, still serving: ${name}`, ...frames.slice(0, 3)].join('\n');
};

/** Installs the guard on the process; returns the function that removes it. */
const installCrashGuard = (log: (line: string) => void = (line) => console.error(line)): (() => void) => {
  const onRejection = (reason: unknown) => log(describeRejection(reason));
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('unhandledRejection', onRejection);
  };
};

export { describeRejection, installCrashGuard };
