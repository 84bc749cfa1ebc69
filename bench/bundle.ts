/**
 * The deployment bundles: for every function in .serverless/ (built offline by
 * `npx osls package --stage ci --region us-east-1`; set BENCH_PACKAGE=1 to have this benchmark build them
 * first, ~10-60 s), the zip size, the unzipped size (handler .js and its source map), and the cold start.
 *
 * Cold start: each zip is extracted to a temporary directory; a fresh `node` process requires the function's
 * handler module, checks the handler export is a function and exits. Timed from spawn to exit, COLD_RUNS
 * times per case (interleaved, after one untimed run each), median reported, against a baseline of a bare
 * `node -e ""` in the same run: ratio = bundle cold start / bare node start. Each function runs with the
 * environment serverless.yml gives it (NODE_OPTIONS=--enable-source-maps among it), and once more without
 * source maps, since they are the one setting that changes what loading the bundle costs. The child also
 * reports the require alone (performance.now around `require`), i.e. time to handler ready.
 *
 * The zips are read with node:zlib (a small reader of the zip central directory below), so nothing beyond
 * Node is needed. No zips: one row says so and how to build them.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { inflateRawSync } from 'node:zlib';
import type { Benchmark, BenchRow } from './harness';

const REPO = join(__dirname, '..');
const SERVERLESS_DIR = join(REPO, '.serverless');
const PACKAGE_ARGS = ['osls', 'package', '--stage', 'ci', '--region', 'us-east-1'];
const COLD_RUNS = 10;
/** Sources whose change makes the zips stale. */
const SOURCE_DIRS = ['lib', 'rules', 'alerts', 'findings', 'remediations'];

// ---- Reading a zip with node:zlib -------------------------------------------------------------------------

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** The entries of a zip, from its central directory (no zip64: Lambda bundles stay far below 4 GiB). */
function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const entry: ZipEntry = {
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeaderOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) {
      throw new Error(`${entry.name}: zip64 entries are not supported`);
    }
    entries.push(entry);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

function entryData(zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (zip.readUInt32LE(at) !== LOCAL_SIGNATURE) throw new Error(`${entry.name}: bad local header`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  const data = entry.method === 0 ? raw : entry.method === 8 ? inflateRawSync(raw) : undefined;
  if (!data) throw new Error(`${entry.name}: unsupported compression method ${entry.method}`);
  if (data.length !== entry.size)
    throw new Error(`${entry.name}: ${data.length} bytes, expected ${entry.size}`);
  return data;
}

function extractZip(zip: Buffer, entries: readonly ZipEntry[], into: string): void {
  for (const entry of entries) {
    const relative = normalize(entry.name);
    if (isAbsolute(relative) || relative.split(sep).includes('..')) {
      throw new Error(`${entry.name}: refusing a path outside the extraction directory`);
    }
    const target = join(into, relative);
    if (entry.name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entryData(zip, entry));
  }
}

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
      rows.push(
        { name: `${fn.name}: zip`, samples: [kib(zip.length)], unit: 'KiB' },
        { name: `${fn.name}: unzipped, all ${entries.length} files`, samples: [kib(unzipped)], unit: 'KiB' },
        { name: `${fn.name}: unzipped, ${modulePath}.js`, samples: [kib(moduleEntry.size)], unit: 'KiB' },
      );

      const args = ['-e', CHILD_SCRIPT, join(into, modulePath), fn.exportName];
      const lambdaEnv = childEnvironment({ AWS_REGION: 'us-east-1', ...fn.environment });
      const withMaps = /--enable-source-maps/.test(fn.environment.NODE_OPTIONS ?? '');
      const deployed: ColdCase = {
        name: `cold start: ${fn.name}, Lambda env${withMaps ? ' (--enable-source-maps)' : ''}`,
        args,
        env: lambdaEnv,
        wallMs: [],
        requireMs: [],
        baseline: bare.name,
      };
      cases.push(deployed);
      requireRows.push(deployed);
      if (withMaps) {
        const { NODE_OPTIONS: _dropped, ...noMaps } = lambdaEnv;
        cases.push({
          name: `cold start: ${fn.name}, without source maps`,
          args,
          env: noMaps,
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
    for (const c of cases)
      rows.push({ name: c.name, samples: c.wallMs, ...(c.baseline ? { baseline: c.baseline } : {}) });
    for (const c of requireRows) {
      rows.push({ name: c.name.replace('cold start:', 'require → handler ready:'), samples: c.requireMs });
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return rows;
}

export const benchmarks: Benchmark[] = [{ name: 'bundle', run }];
