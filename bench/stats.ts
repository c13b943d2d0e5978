/** Small statistics helpers for the benchmarks. */
import type { Observable } from 'rxjs';

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

/**
 * A throughput meter: `start()` at the first item, `stop(items)` after the last. Gives items per second of
 * wall time and per second of this process's CPU time; on a shared machine the second is far steadier,
 * because time spent waiting for a core does not count.
 */
export class RateMeter {
  #wall = 0;
  #cpu: NodeJS.CpuUsage | undefined;
  wallRate = Number.NaN;
  cpuRate = Number.NaN;

  start(): void {
    this.#wall = performance.now();
    this.#cpu = process.cpuUsage();
  }

  stop(items: number): void {
    const cpu = process.cpuUsage(this.#cpu);
    this.wallRate = items / ((performance.now() - this.#wall) / 1000);
    this.cpuRate = items / ((cpu.user + cpu.system) / 1e6);
  }
}

/** `median (min - max)` of per-round ratios. */
export function ratioRange(ratios: readonly number[]): string {
  return `${fmt(quantile(ratios, 0.5), 2)}   (rounds ${fmt(Math.min(...ratios), 2, 0)} - ${fmt(Math.max(...ratios), 2, 0)})`;
}

/**
 * Subscribes to `stream$` until it has delivered `count` values, metering from the first; `onValue`
 * sees each value's index first (for latencies).
 */
export async function meterValues(stream$: Observable<unknown>, count: number, onValue?: (index: number) => void): Promise<RateMeter> {
  const meter = new RateMeter();
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const subscription = stream$.subscribe({
      next: () => {
        onValue?.(received);
        if (received === 0) meter.start();
        if (++received === count) {
          subscription.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  meter.stop(count - 1);
  return meter;
}
