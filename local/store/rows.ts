// One kind of row as last written, so an emulator can hand the store a record after every change and only the
// records whose JSON actually changed are written.
import type { Store } from './index.ts';

const createRows = (store: Store, kind: string) => {
  const last = new Map<string, string>(store.rows(kind).map(([key, value]) => [key, value]));
  return {
    /** The rows the last run left, parsed. */
    saved: (): [string, unknown][] => [...last].map(([key, value]) => [key, JSON.parse(value)]),
    /** Writes the record if its JSON differs from what was last written; true when it did. */
    write: (key: string, record: unknown): boolean => {
      const value = JSON.stringify(record);
      if (last.get(key) === value) return false;
      last.set(key, value);
      store.put(kind, key, value);
      return true;
    },
    drop: (key: string): void => {
      if (!last.delete(key)) return;
      store.remove(kind, key);
    },
    keys: (): IterableIterator<string> => last.keys(),
    /** Removes every row of the kind. */
    clear: (): void => {
      last.clear();
      store.removePrefix(kind, '');
    },
    pending: (key: string) => store.pending(kind, key),
    commit: () => store.commit(),
  };
};

type Rows = ReturnType<typeof createRows>;

export type { Rows };
export { createRows };
