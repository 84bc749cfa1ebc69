/**
 * What `osls package` produces keeps the resources, IAM action sets, outputs, parameters, conditions and
 * function settings of the snapshot committed in test/contract/fixtures/packaged-template.snapshot.json
 * (scripts/lib/template-snapshot.ts says what is compared and why). The snapshot was taken from main's
 * package before the per-rule blocks moved to the generated deploy/rules.generated.yml (issue 12, part 1): a
 * difference is either a regression or an intended change, and then the snapshot is updated in the same commit.
 * Packages offline into a temporary directory, so the working tree's .serverless/ is left alone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { snapshotTemplate } from '../../scripts/lib/template-snapshot';

const ROOT = resolve(__dirname, '..', '..');
const SNAPSHOT = join(ROOT, 'test', 'contract', 'fixtures', 'packaged-template.snapshot.json');

describe('packaged template', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'rootguard-package-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('keeps the resources, permissions and function settings of the committed snapshot', () => {
    // Prepare: no credentials, fixed stage and Region, as .ci/run packages.
    const { AWS_PROFILE: _profile, ...inherited } = process.env;
    const env = { ...inherited, AWS_REGION: 'us-east-1' };

    // Act
    execFileSync(
      'npx',
      ['--no-install', 'osls', 'package', '--stage', 'ci', '--region', 'us-east-1', '--package', out],
      { cwd: ROOT, env, stdio: 'pipe' },
    );
    const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));

    // Assess
    expect(snapshotTemplate(template)).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  }, 300_000);
});
