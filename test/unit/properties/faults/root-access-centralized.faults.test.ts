import { collect } from '../../../../rules/root-access-centralized/collect';
import { evaluate } from '../../../../rules/root-access-centralized/evaluate';
import metadata from '../../../../rules/root-access-centralized/rule.json';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { describeFaultSweep, readingOrgSnapshot } from '../../../helpers/fault-sweep';
import { CENTRALIZED_ROOT_ACCESS, orgSnapshotFixture } from '../../../helpers/org-snapshot';

// The snapshot, with both centralized root access features read as enabled, and iam:GetAccountSummary.
describe('root-access-centralized under faults', () => {
  describeFaultSweep({
    rule: { metadata, collect, evaluate },
    ...readingOrgSnapshot(() =>
      orgSnapshotFixture({ members: [MEMBER_ACCOUNT], rootAccessFeatures: CENTRALIZED_ROOT_ACCESS }),
    ),
  });
});
