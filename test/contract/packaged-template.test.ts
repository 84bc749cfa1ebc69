/**
 * What `osls package` produces keeps the resources, IAM action sets, outputs, parameters, conditions and
 * function settings of the snapshot committed in test/contract/fixtures/packaged-template.snapshot.json
 * (scripts/lib/template-snapshot.ts says what is compared and why). The snapshot was taken from main's package
 * before the per-rule blocks moved to the generated deploy/rules.generated.yml (issue 12, part 1): a difference
 * is either a regression or an intended change, and then the snapshot is updated in the same commit. The
 * package is the one org-scale.test.ts and bundle-size.test.ts share (test/helpers/packaged-service.ts); the
 * stage changes names, never what is compared.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { snapshotTemplate } from '../../scripts/lib/template-snapshot';
import { packagedService } from '../helpers/packaged-service';

const SNAPSHOT = join(resolve(__dirname), 'fixtures', 'packaged-template.snapshot.json');
const STAGE = 'orgscale';

describe('packaged template', () => {
  let template: unknown;
  beforeAll(async () => {
    const dir = await packagedService(STAGE);
    template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 180_000);

  it('keeps the resources, permissions and function settings of the committed snapshot', () => {
    // Act
    const snapshot = snapshotTemplate(template);

    // Assess
    expect(snapshot).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });
});
