/**
 * `npm run bench` (tsx bench/index.ts [filter]): runs every benchmark module in bench/ (a module that
 * exports `benchmarks`, see harness.ts) and prints one table. Never part of `npm test`.
 */

// Before any rootguard module loads: the shared Powertools Logger and Metrics read these once, at import.
// Logs and EMF lines on stdout would otherwise dominate (and garble) the measurements.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import type { Benchmark, BenchRow } from './harness';
import { summarize } from './harness';

const NOT_BENCHMARKS = new Set(['index.ts', 'harness.ts']);

async function loadBenchmarks(filter: string | undefined): Promise<Benchmark[]> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && !NOT_BENCHMARKS.has(f))
    .sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { benchmarks?: Benchmark[] };
    found.push(...(mod.benchmarks ?? []));
  }
  return filter ? found.filter((b) => b.name.includes(filter)) : found;
}

const num = (value: number) =>
  Number.isNaN(value) ? '-' : value >= 10 ? value.toFixed(1) : value.toFixed(3);
/** One decimal from 1x up; two significant digits below it, where one decimal would round 0.13x to 0.1x. */
const ratio = (value: number, base: number | undefined) => {
  if (base === undefined || base === 0 || Number.isNaN(value) || Number.isNaN(base)) return '';
  const r = value / base;
  return `${r >= 1 ? r.toFixed(1) : r.toPrecision(2)}x`;
};

function addRows(table: Table.Table, benchmark: string, rows: readonly BenchRow[]): void {
  const summaries = new Map(rows.map((r) => [r.name, summarize(r.samples)]));
  for (const row of rows) {
    const s = summaries.get(row.name);
    if (!s) continue;
    const base = row.baseline === undefined ? undefined : summaries.get(row.baseline);
    table.push([
      benchmark,
      row.name,
      row.unit ?? 'ms',
      s.n,
      num(s.p50),
      num(s.p99),
      num(s.mean),
      num(s.max),
      ratio(s.p50, base?.p50),
      ratio(s.mean, base?.mean),
    ]);
  }
}

async function main(): Promise<void> {
  const benchmarks = await loadBenchmarks(process.argv[2]);
  if (benchmarks.length === 0) throw new Error(`no benchmark matches ${process.argv[2] ?? '(any)'}`);
  const table = new Table({
    head: ['benchmark', 'case', 'unit', 'n', 'p50', 'p99', 'mean', 'max', 'p50 vs base', 'mean vs base'],
    // Plain text: the table is read in CI logs and pasted into reviews, where colour codes are noise.
    style: { head: [], border: [] },
  });
  for (const benchmark of benchmarks) {
    process.stderr.write(`running ${benchmark.name}...\n`);
    addRows(table, benchmark.name, await benchmark.run());
  }
  console.log(table.toString());
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
