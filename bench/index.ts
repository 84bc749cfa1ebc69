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

const ms = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(3));
const ratio = (value: number, base: number | undefined) =>
  base === undefined || base === 0 ? '' : `${(value / base).toFixed(1)}x`;

function addRows(table: Table.Table, benchmark: string, rows: readonly BenchRow[]): void {
  const summaries = new Map(rows.map((r) => [r.name, summarize(r.samples)]));
  for (const row of rows) {
    const s = summaries.get(row.name);
    if (!s) continue;
    const base = row.baseline === undefined ? undefined : summaries.get(row.baseline);
    table.push([
      benchmark,
      row.name,
      s.n,
      ms(s.p50),
      ms(s.p99),
      ms(s.mean),
      ms(s.max),
      ratio(s.p50, base?.p50),
      ratio(s.mean, base?.mean),
    ]);
  }
}

async function main(): Promise<void> {
  const benchmarks = await loadBenchmarks(process.argv[2]);
  if (benchmarks.length === 0) throw new Error(`no benchmark matches ${process.argv[2] ?? '(any)'}`);
  const table = new Table({
    head: ['benchmark', 'case', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'max ms', 'p50 vs base', 'mean vs base'],
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
