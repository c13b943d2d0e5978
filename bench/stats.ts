/** Small statistics helpers for the benchmarks. */

/** The q-quantile (0..1) of `values` (sorted copy, nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Formats a number with `digits` decimals, right-aligned to `width`. */
export function fmt(value: number, digits = 2, width = 10): string {
  return value.toFixed(digits).padStart(width);
}

/** Prints a titled table of label/value rows. */
export function report(title: string, rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n## ${title}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

/** Forces a full garbage collection when node runs with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}
