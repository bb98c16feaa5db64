/**
 * The closest known name to a misspelt one, for "did you mean …?" hints: optimal string
 * alignment distance (edits, with adjacent swaps), case differences counting half.
 */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  // Tolerate about one edit per three characters, and at least two.
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= tolerance ? best : undefined;
}

/** Optimal string alignment distance; a change of case alone costs 0.5. */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[] = new Array<number>(rows * columns).fill(0);
  const at = (i: number, j: number): number => d[i * columns + j] as number;
  for (let i = 0; i < rows; i++) d[i * columns] = i;
  for (let j = 0; j < columns; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const x = a[i - 1] as string;
      const y = b[j - 1] as string;
      const substitution = x === y ? 0 : x.toLowerCase() === y.toLowerCase() ? 0.5 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + substitution);
      if (i > 1 && j > 1 && x === b[j - 2] && a[i - 2] === y) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      d[i * columns + j] = value;
    }
  }
  return at(rows - 1, columns - 1);
}
