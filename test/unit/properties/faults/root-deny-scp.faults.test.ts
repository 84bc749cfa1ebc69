import { collect } from '../../../../rules/root-deny-scp/collect';
import { evaluate } from '../../../../rules/root-deny-scp/evaluate';
import metadata from '../../../../rules/root-deny-scp/rule.json';
import { MEMBER_ACCOUNT, ORG_ROOT_ID } from '../../../helpers/constants';
import { describeFaultSweep, readingOrgSnapshot } from '../../../helpers/fault-sweep';
import { orgSnapshotFixture } from '../../../helpers/org-snapshot';
import { DENY_ROOT_SCP } from '../../../helpers/scp';

// root-deny-scp reads nothing but the snapshot with the deny-root SCP on the root.
describe('root-deny-scp under faults', () => {
  describeFaultSweep({
    rule: { metadata, collect, evaluate },
    ...readingOrgSnapshot(() =>
      orgSnapshotFixture({
        members: [MEMBER_ACCOUNT],
        attached: [{ policy: DENY_ROOT_SCP, targets: [ORG_ROOT_ID] }],
      }),
    ),
  });
});
