/**
 * Charts as SVG, drawn by vega-lite in a child Node process (render-svg.mjs says why). Synchronous: the report
 * is written once, and three small charts take a few hundred milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Beside this file in the sources; beside the repository's report/ when bundled into dist/rootguard.cjs. */
const SCRIPT_CANDIDATES = [
  join(__dirname, 'render-svg.mjs'),
  join(__dirname, '..', 'report', 'render', 'render-svg.mjs'),
];

export class ChartRenderError extends Error {}

export function renderSvgs(specs: readonly object[]): string[] {
  const script = SCRIPT_CANDIDATES.find((path) => existsSync(path));
  if (!script)
    throw new ChartRenderError(`cannot find render-svg.mjs (looked in ${SCRIPT_CANDIDATES.join(', ')})`);
  const child = spawnSync(process.execPath, [script], {
    input: JSON.stringify(specs),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    throw new ChartRenderError(
      `vega-lite could not draw the charts (exit ${child.status ?? child.signal}): ${(child.stderr ?? '').trim()}`,
    );
  }
  const svgs = JSON.parse(child.stdout) as unknown;
  if (!Array.isArray(svgs) || svgs.length !== specs.length || !svgs.every((s) => typeof s === 'string')) {
    throw new ChartRenderError('the chart renderer returned something other than one SVG per chart');
  }
  return svgs as string[];
}
