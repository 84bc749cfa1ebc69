/**
 * Maps a stack trace from a deployed function back to the TypeScript. The zips carry no source maps
 * (ARCHITECTURE.md, "Lean bundles"); `osls package` leaves each bundle's map in .esbuild/.build, so package
 * the same commit first, then paste the trace (from CloudWatch Logs) on stdin:
 *
 *   npx tsx scripts/resolve-stack.ts < trace.txt
 *   npx tsx scripts/resolve-stack.ts --build path/to/.esbuild/.build < trace.txt
 *
 * Frames like `at fn (/var/task/rules/root-user-idle/handler.js:1:23456)` become `at fn (lib/x.ts:12:5)`;
 * lines without a frame, or whose bundle has no map there, are printed unchanged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..');
const flag = process.argv.indexOf('--build');
const buildDir = resolve(flag >= 0 ? (process.argv[flag + 1] ?? '') : join(REPO, '.esbuild', '.build'));

/** `/var/task/<module>.js:<line>:<column>`: Lambda's code directory, then the path inside the zip. */
const FRAME = /\/var\/task\/([^\s():]+\.js):(\d+):(\d+)/g;

const maps = new Map<string, SourceMap | undefined>();
function mapOf(module: string): SourceMap | undefined {
  if (!maps.has(module)) {
    const path = join(buildDir, `${module}.map`);
    maps.set(module, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined);
  }
  return maps.get(module);
}

function resolveFrame(frame: string, module: string, line: string, column: string): string {
  // SourceMap offsets are zero-based; stack traces count lines and columns from one.
  const entry = mapOf(module)?.findEntry(Number(line) - 1, Number(column) - 1);
  if (!entry || !('originalSource' in entry)) return frame;
  // Sources are named relative to the map's own directory.
  const mapDir = dirname(join(buildDir, module));
  const source = relative(REPO, resolve(mapDir, entry.originalSource.replace(/^file:\/\//, '')));
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

const input = readFileSync(0, 'utf8');
process.stdout.write(input.replace(FRAME, resolveFrame));
