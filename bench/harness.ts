/**
 * The small harness every benchmark in bench/ uses. A benchmark module exports `benchmarks`; bench/index.ts
 * imports every module here and runs those that do, so adding a benchmark is adding a file. Samples are
 * per-operation wall-clock times (performance.now) or, for a row with a `unit`, another per-item quantity
 * (API calls per account, KiB), summarised as p50/p99/mean/max.
 */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  /** Milliseconds per operation, unless `unit` says otherwise. */
  samples: number[];
  /** What the samples count ('calls', 'KiB', 'accts/s', ...); milliseconds when left out. */
  unit?: string;
  /** The row (same benchmark) this one is compared with; the baseline itself leaves it out. */
  baseline?: string;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchRow[]>;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/**
 * Times `op` once per input, after running it on `warmup` inputs untimed (JIT, lazy module state and
 * first-call caches would otherwise land in the first samples).
 */
export async function timeEach<T>(
  inputs: readonly T[],
  op: (input: T) => unknown,
  warmup = Math.min(100, inputs.length),
): Promise<number[]> {
  for (const input of inputs.slice(0, warmup)) await op(input);
  const samples: number[] = [];
  for (const input of inputs) {
    const start = performance.now();
    await op(input);
    samples.push(performance.now() - start);
  }
  return samples;
}
