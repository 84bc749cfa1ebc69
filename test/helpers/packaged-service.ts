/**
 * The central stack as `osls package` builds it (offline, AWS credentials removed, as .ci/run does), built at
 * most once per content of the sources: test/contract/org-scale.test.ts reads its template and
 * test/contract/bundle-size.test.ts its zips, and jest runs them in separate workers. The first worker to ask
 * packages into a cache directory keyed by a hash of every file the package is made of; any other waits for
 * it, and a later `npm test` on unchanged sources packages nothing.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const REGION = 'us-east-1';
/** Per checkout: worktrees of the project must not prune each other's packages. */
const CACHE = join(
  tmpdir(),
  'rootguard-osls-package',
  createHash('sha256').update(ROOT).digest('hex').slice(0, 12),
);
/** The budget every function zip is held to (issue 12 part 3; ARCHITECTURE.md, "Lean bundles"): 250 KB. */
export const ZIP_BUDGET_BYTES = 250_000;
/** A lock older than this belongs to a packager that died: packaging takes 10-60 s. */
const STALE_LOCK_MS = 5 * 60_000;
const POLL_MS = 500;

/** Not part of what osls packages: tests, benchmarks and prose. */
const NOT_PACKAGED = /^(test|bench)\/|\.md$/;

/** sha256 over the path and content of every tracked or new (not ignored) file that can reach the package. */
function sourceHash(stage: string): string {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && !NOT_PACKAGED.test(file) && existsSync(join(ROOT, file)))
    .sort();
  const hash = createHash('sha256').update(`${stage}\0${REGION}\0`);
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

function runPackage(stage: string, into: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: REGION, AWS_DEFAULT_REGION: REGION };
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    delete env[name];
  }
  execFileSync(
    'npx',
    ['--no-install', 'osls', 'package', '--stage', stage, '--region', REGION, '--package', into],
    { cwd: ROOT, env, stdio: 'pipe' },
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The directory holding the packaged stack of `stage`: the zips and cloudformation-template-update-stack.json. */
export async function packagedService(stage: string): Promise<string> {
  const key = sourceHash(stage);
  const dir = join(CACHE, key);
  const lock = `${dir}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(dir)) return dir;
    try {
      mkdirSync(lock); // atomic: one packager per key across workers
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
      }
      await sleep(POLL_MS);
      continue;
    }
    try {
      const building = `${dir}.building`;
      rmSync(building, { recursive: true, force: true });
      runPackage(stage, building);
      renameSync(building, dir); // others see the directory only once it is complete
      for (const old of readdirSync(CACHE)) {
        if (!old.startsWith(key)) rmSync(join(CACHE, old), { recursive: true, force: true });
      }
      return dir;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
