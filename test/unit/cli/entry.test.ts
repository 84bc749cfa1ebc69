import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { useTempDir } from '../../helpers/temp-dir';

const REPO_ROOT = join(__dirname, '..', '..', '..');

// The bundle once ran every command twice: cli/index.ts ended with `if (require.main === module) main()`, which
// is also true inside the esbuild bundle of cli/main.ts. cli/main.ts is now the only entry.
describe('the compiled CLI (npm run build:cli)', () => {
  const dir = useTempDir('rootguard-entry-');

  it('runs a command once', () => {
    // Prepare: the package.json script itself, into a temporary file (the last --outfile wins).
    const outfile = join(dir(), 'rootguard.cjs');
    const build = spawnSync('npm', ['run', '--silent', 'build:cli', '--', `--outfile=${outfile}`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);

    // Act
    const child = spawnSync(process.execPath, [outfile, '--help'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });

    // Assess
    expect(child.status).toBe(0);
    expect(child.stdout.match(/Usage: rootguard/g)).toHaveLength(1);
  });
});
