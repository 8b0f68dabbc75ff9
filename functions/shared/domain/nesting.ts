// How deep a value nests, checked without recursion: a deeply nested event or request must be refused with a reason,
// and the check itself must not overflow the stack (the dispatcher and the local cloud's bus both use it).

/**
 * Whether arrays and objects in an already-built value nest deeper than `max`. Walks with its own stack. A cycle nests
 * without end, so it is too deep; an object shared by several parents is walked again only when reached deeper than
 * before, so sharing cannot make the walk explode.
 */
const valueNestsDeeperThan = (value: unknown, max: number): boolean => {
  const stack: [unknown, number][] = [[value, 1]];
  const deepest = new Map<object, number>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    if ((deepest.get(current) ?? 0) >= depth) continue;
    deepest.set(current, depth);
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
};

export { valueNestsDeeperThan };
