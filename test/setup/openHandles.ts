/**
 * Suite-wide check that a test file leaves nothing open: the sockets, servers, timers,
 * child processes and workers alive after the file's last test must be those alive before
 * its first (Node's `process.getActiveResourcesInfo()`). A leak fails the file, naming
 * what was left; closing is given a moment (a socket's close is asynchronous).
 */
import { afterAll, beforeAll, expect } from 'vitest';

/** Resources that stay for the worker's own life (its stdio and IPC with Vitest). */
type Counts = Map<string, number>;

function countResources(): Counts {
  const counts: Counts = new Map();
  for (const name of process.getActiveResourcesInfo())
    counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function leftOpen(before: Counts, after: Counts): string[] {
  const extra: string[] = [];
  for (const [name, count] of after) {
    const more = count - (before.get(name) ?? 0);
    if (more > 0) extra.push(`${more} × ${name}`);
  }
  return extra;
}

let before: Counts = new Map();

beforeAll(() => {
  before = countResources();
});

afterAll(async () => {
  const deadline = Date.now() + 5000;
  let extra = leftOpen(before, countResources());
  while (extra.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    extra = leftOpen(before, countResources());
  }
  expect(extra, 'left open by this test file').toEqual([]);
});
