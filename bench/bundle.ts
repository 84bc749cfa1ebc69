/**
 * The deployment bundles: for every function in .serverless/ (built offline by
 * `npx osls package --stage ci --region us-east-1`; set BENCH_PACKAGE=1 to have this benchmark build them
 * first, ~10-60 s), the zip size, the unzipped size (handler .js and its source map), and the cold start.
 *
 * Cold start: each zip is extracted to a temporary directory; a fresh `node` process requires the function's
 * handler module, checks the handler export is a function and exits. Timed from spawn to exit, COLD_RUNS
 * times per case (interleaved, after one untimed run each), median reported, against a baseline of a bare
 * `node -e ""` in the same run: ratio = bundle cold start / bare node start. Each function runs with the
 * environment serverless.yml gives it and, where the build directory still holds the function's source map
 * (.esbuild/.build, kept by keepOutputDirectory), once more from there with NODE_OPTIONS=--enable-source-maps:
 * what shipping the map would cost (ARCHITECTURE.md, "Lean bundles"). The child also reports the require alone
 * (performance.now around `require`), i.e. time to handler ready.
 *
 * Before: each function's zip size, cold start and require as `main` built them on BEFORE_LEAN.date (source
 * maps in the zip, --enable-source-maps, dist-cjs SDK, all of zod), printed as rows beside today's with the
 * ratio. Those are recorded figures, not re-measured: their cold starts compare with today's through the bare
 * `node` start of either run (the `vs base` column), since the machine's speed moves between runs.
 *
 * The zips are read with node:zlib (test/helpers/zip.ts, a small reader of the zip central directory), so
 * nothing beyond Node is needed. No zips: one row says so and how to build them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ZIP_BUDGET_BYTES } from '../test/helpers/packaged-service';
import { extractZip, zipEntries } from '../test/helpers/zip';
import type { Benchmark, BenchRow } from './harness';

const REPO = join(__dirname, '..');
const SERVERLESS_DIR = join(REPO, '.serverless');
const PACKAGE_ARGS = ['osls', 'package', '--stage', 'ci', '--region', 'us-east-1'];
const COLD_RUNS = 10;
const BUILD_DIR = join(REPO, '.esbuild', '.build');

interface RecordedFigures {
  zipKiB: number;
  /** p50 of COLD_RUNS, NODE_OPTIONS=--enable-source-maps as deployed then. */
  coldStartMs: number;
  requireMs: number;
}

/**
 * `main` before lean bundles (d79fa04), `npm run bench bundle` on the machine the targets were set on
 * (2 vCPU, node v20.20.2). Issue 12 part 3 set the targets: zip <= 250 KB, handler ready <= 150 ms.
 */
const BEFORE_LEAN = {
  date: '2026-12-06',
  bareNodeMs: 24.2,
  functions: {
    attachDenyRootScp: { zipKiB: 1417.1, coldStartMs: 159.9, requireMs: 129.2 },
    complianceFindings: { zipKiB: 1473.3, coldStartMs: 158.4, requireMs: 126.6 },
    deleteRootAccessKeys: { zipKiB: 1519.6, coldStartMs: 169.9, requireMs: 134.1 },
    deleteRootCredentials: { zipKiB: 1520.0, coldStartMs: 167.3, requireMs: 135.4 },
    heartbeatCheck: { zipKiB: 1631.0, coldStartMs: 186.6, requireMs: 149.5 },
    heartbeatRecord: { zipKiB: 1628.3, coldStartMs: 183.3, requireMs: 148.6 },
    openBreakGlassWindow: { zipKiB: 1503.5, coldStartMs: 163.7, requireMs: 134.6 },
    orgSnapshot: { zipKiB: 1542.9, coldStartMs: 161.9, requireMs: 127.1 },
    requestHardwareMfa: { zipKiB: 1331.5, coldStartMs: 156.8, requireMs: 122.5 },
    rootAccessKeys: { zipKiB: 1900.9, coldStartMs: 226.4, requireMs: 186.3 },
    rootActivityAlert: { zipKiB: 1634.8, coldStartMs: 166.7, requireMs: 136.3 },
    rootActivityAlerting: { zipKiB: 2061.5, coldStartMs: 225.0, requireMs: 193.3 },
    rootDenyScp: { zipKiB: 1793.3, coldStartMs: 207.7, requireMs: 171.2 },
    rootHardwareMfa: { zipKiB: 1901.8, coldStartMs: 217.3, requireMs: 185.0 },
    rootUserIdle: { zipKiB: 1946.5, coldStartMs: 218.4, requireMs: 184.6 },
  } as Record<string, RecordedFigures | undefined>,
};
const BEFORE = `before lean bundles (main, recorded ${BEFORE_LEAN.date})`;
/** Sources whose change makes the zips stale. */
const SOURCE_DIRS = ['lib', 'rules', 'alerts', 'findings', 'remediations'];

// ---- The functions and their zips -------------------------------------------------------------------------

interface LambdaFunction {
  name: string;
  zipPath: string;
  /** Module path inside the zip (no extension) and export name, from `handler: rules/x/handler.handler`. */
  modulePath: string;
  exportName: string;
  environment: Record<string, string>;
}

interface ServerlessState {
  service?: {
    provider?: { environment?: Record<string, unknown> };
    functions?: Record<
      string,
      { handler?: string; package?: { artifact?: string }; environment?: Record<string, unknown> }
    >;
  };
}

/** Environment values that are CloudFormation references at package time get a stand-in. */
function plainEnvironment(...sources: Array<Record<string, unknown> | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) {
      env[key] = typeof value === 'string' ? value : `bench-${key.toLowerCase()}`;
    }
  }
  return env;
}

function packagedFunctions(): LambdaFunction[] {
  const zips = existsSync(SERVERLESS_DIR)
    ? readdirSync(SERVERLESS_DIR).filter((f) => f.endsWith('.zip'))
    : [];
  if (zips.length === 0) return [];
  const statePath = join(SERVERLESS_DIR, 'serverless-state.json');
  const state: ServerlessState = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as ServerlessState)
    : {};
  const providerEnv = state.service?.provider?.environment;
  return zips.sort().map((file) => {
    const name = file.slice(0, -'.zip'.length);
    const fn = state.service?.functions?.[name];
    const handler = fn?.handler;
    const dot = handler?.lastIndexOf('.') ?? -1;
    return {
      name,
      zipPath: join(SERVERLESS_DIR, file),
      // Without serverless-state.json: the zip's only .js file, exporting `handler`.
      modulePath: handler && dot > 0 ? handler.slice(0, dot) : '',
      exportName: handler && dot > 0 ? handler.slice(dot + 1) : 'handler',
      environment: plainEnvironment(providerEnv, fn?.environment),
    };
  });
}

function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(REPO, dir));
  for (const file of ['serverless.yml', 'package-lock.json']) {
    const path = join(REPO, file);
    if (existsSync(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs `npx osls package` with AWS credentials and profiles removed, as .ci/run does. */
function packageFunctions(): number {
  process.stderr.write(`  BENCH_PACKAGE=1: npx ${PACKAGE_ARGS.join(' ')}\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' };
  for (const key of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
  ]) {
    delete env[key];
  }
  const started = performance.now();
  // Its output goes to stderr: stdout carries only the table.
  const result = spawnSync('npx', ['--no-install', ...PACKAGE_ARGS], {
    cwd: REPO,
    env,
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) {
    throw new Error(`osls package failed (exit ${result.status ?? result.signal}); see its output above`);
  }
  return performance.now() - started;
}

// ---- Cold start -------------------------------------------------------------------------------------------

/** Requires argv[1], checks export argv[2] is a function, reports the require time. */
const CHILD_SCRIPT = [
  "const { performance } = require('node:perf_hooks');",
  'const started = performance.now();',
  'const mod = require(process.argv[1]);',
  'const ms = performance.now() - started;',
  "if (typeof mod[process.argv[2]] !== 'function') {",
  "  console.error('no function export ' + process.argv[2] + ' in ' + process.argv[1]);",
  '  process.exit(3);',
  '}',
  "process.stdout.write('\\nrequire_ms=' + ms + '\\n');",
].join('\n');

/** A clean environment: nothing of this process (tsx, POWERTOOLS_* set by bench/index.ts) leaks in. */
function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

interface ColdCase {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  wallMs: number[];
  requireMs: number[];
  baseline?: string;
}

function spawnOnce(c: ColdCase): { wallMs: number; requireMs: number | undefined } {
  const started = performance.now();
  const result = spawnSync(process.execPath, c.args, { env: c.env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${c.name}: node exited ${result.status ?? result.signal}: ${result.stderr.trim()}`);
  }
  const match = /require_ms=([\d.]+)/.exec(result.stdout);
  return { wallMs, requireMs: match ? Number(match[1]) : undefined };
}

const kib = (bytes: number) => bytes / 1024;

async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  if (process.env.BENCH_PACKAGE === '1') {
    rows.push({ name: `packaging: npx ${PACKAGE_ARGS.join(' ')}`, samples: [packageFunctions()] });
  }
  const functions = packagedFunctions();
  if (functions.length === 0) {
    const message =
      'skipped: no .serverless/*.zip; run `npx osls package --stage ci --region us-east-1` or set BENCH_PACKAGE=1';
    process.stderr.write(`  ${message}\n`);
    return [{ name: message, samples: [], unit: '-' }];
  }
  const oldestZip = Math.min(...functions.map((f) => statSync(f.zipPath).mtimeMs));
  if (newestSourceMtime() > oldestZip) {
    process.stderr.write(
      '  warning: sources changed after .serverless/*.zip was built; BENCH_PACKAGE=1 rebuilds them first\n',
    );
  }

  const workDir = mkdtempSync(join(tmpdir(), 'rootguard-bench-bundle-'));
  try {
    const bare: ColdCase = {
      name: 'cold start: bare `node -e ""` (baseline)',
      args: ['-e', ''],
      env: childEnvironment({}),
      wallMs: [],
      requireMs: [],
    };
    const cases: ColdCase[] = [bare];
    const requireRows: ColdCase[] = [];
    const recorded: BenchRow[] = [];
    const bareBefore = `cold start: bare \`node -e ""\`, ${BEFORE}`;
    recorded.push({ name: bareBefore, samples: [BEFORE_LEAN.bareNodeMs] });
    for (const fn of functions) {
      const zip = readFileSync(fn.zipPath);
      const entries = zipEntries(zip);
      const into = join(workDir, fn.name);
      extractZip(zip, entries, into);
      const modulePath =
        fn.modulePath || (entries.find((e) => e.name.endsWith('.js'))?.name ?? '').replace(/\.js$/, '');
      const moduleEntry = entries.find((e) => e.name === `${modulePath}.js`);
      if (!moduleEntry) throw new Error(`${fn.name}: ${modulePath}.js is not in ${fn.zipPath}`);
      const unzipped = entries.reduce((sum, e) => sum + e.size, 0);
      const before = BEFORE_LEAN.functions[fn.name];
      const zipBefore = `${fn.name}: zip, ${BEFORE}`;
      if (before) rows.push({ name: zipBefore, samples: [before.zipKiB], unit: 'KiB' });
      rows.push(
        {
          name: `${fn.name}: zip (budget ${kib(ZIP_BUDGET_BYTES).toFixed(1)} KiB = ${ZIP_BUDGET_BYTES / 1000} KB)`,
          samples: [kib(zip.length)],
          unit: 'KiB',
          ...(before ? { baseline: zipBefore } : {}),
        },
        { name: `${fn.name}: unzipped, all ${entries.length} files`, samples: [kib(unzipped)], unit: 'KiB' },
        { name: `${fn.name}: unzipped, ${modulePath}.js`, samples: [kib(moduleEntry.size)], unit: 'KiB' },
      );

      const args = ['-e', CHILD_SCRIPT, join(into, modulePath), fn.exportName];
      const lambdaEnv = childEnvironment({ AWS_REGION: 'us-east-1', ...fn.environment });
      const deployed: ColdCase = {
        name: `cold start: ${fn.name}, Lambda env`,
        args,
        env: lambdaEnv,
        wallMs: [],
        requireMs: [],
        baseline: bare.name,
      };
      cases.push(deployed);
      requireRows.push(deployed);
      if (before) {
        recorded.push(
          { name: `cold start: ${fn.name}, ${BEFORE}`, samples: [before.coldStartMs], baseline: bareBefore },
          { name: `require → handler ready: ${fn.name}, ${BEFORE}`, samples: [before.requireMs] },
        );
      }
      // The map is not in the zip; the build directory keeps it beside the same bundle.
      if (existsSync(join(BUILD_DIR, `${modulePath}.js.map`))) {
        cases.push({
          name: `cold start: ${fn.name}, with its source map and --enable-source-maps (not deployed)`,
          args: ['-e', CHILD_SCRIPT, join(BUILD_DIR, modulePath), fn.exportName],
          env: { ...lambdaEnv, NODE_OPTIONS: '--enable-source-maps' },
          wallMs: [],
          requireMs: [],
          baseline: bare.name,
        });
      }
    }

    process.stderr.write(`  cold starts: ${cases.length} cases × ${COLD_RUNS} runs\n`);
    for (const c of cases) spawnOnce(c); // untimed: file cache, first exec of node
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const c of cases) {
        const { wallMs, requireMs } = spawnOnce(c);
        c.wallMs.push(wallMs);
        if (requireMs !== undefined) c.requireMs.push(requireMs);
      }
    }
    rows.push(...recorded.filter((r) => r.name === bareBefore));
    for (const c of cases) {
      const before = recorded.find((r) => r.name === c.name.replace(', Lambda env', `, ${BEFORE}`));
      if (before) rows.push(before);
      rows.push({ name: c.name, samples: c.wallMs, ...(c.baseline ? { baseline: c.baseline } : {}) });
    }
    for (const c of requireRows) {
      const name = c.name.replace('cold start:', 'require → handler ready:');
      const before = recorded.find((r) => r.name === name.replace(', Lambda env', `, ${BEFORE}`));
      if (before) rows.push(before);
      rows.push({ name, samples: c.requireMs, ...(before ? { baseline: before.name } : {}) });
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return rows;
}

export const benchmarks: Benchmark[] = [{ name: 'bundle', run }];
