// The functions' warnings and errors as one short line each, for a terminal that does not print their JSON logs:
// the level, the function and the log's message (a fixed text in the code), through the one sanitiser. Nothing else
// of the line is shown: its other keys may be long, and a person reads these lines between the timelines.
import { oneLine } from '../../functions/shared/domain/sanitise.ts';

const LOUD = new Set(['WARN', 'ERROR', 'CRITICAL']);

/** `(function, line) => void` that calls `say` with a short line for each WARN, ERROR or CRITICAL log line. */
const printWarnings =
  (say: (line: string) => void) =>
  (functionName: string, line: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    const { level, message } = (parsed ?? {}) as { level?: unknown; message?: unknown };
    if (typeof level !== 'string' || !LOUD.has(level.toUpperCase())) return;
    say(`  ! ${oneLine(functionName, 80)} ${level.toLowerCase()}: ${oneLine(message, 200)}`);
  };

export { printWarnings };
