import { clearOrgSnapshotCache } from '../../../../lib/org-snapshot-store';
import { collect } from '../../../../rules/root-access-centralized/collect';
import { evaluate } from '../../../../rules/root-access-centralized/evaluate';
import metadata from '../../../../rules/root-access-centralized/rule.json';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';
import { orgSnapshotFixture } from '../../../helpers/org-snapshot';

/** The organization snapshot with both centralized root access features read as enabled. */
const snapshot = () =>
  orgSnapshotFixture({
    members: [MEMBER_ACCOUNT],
    rootAccessFeatures: { status: 'READ', enabledFeatures: ['RootCredentialsManagement', 'RootSessions'] },
  });

// The snapshot (s3:GetObject, through the fault middleware like root-deny-scp's) and iam:GetAccountSummary.
describe('root-access-centralized under faults', () => {
  describeFaultSweep({
    rule: { metadata, collect, evaluate },
    responder: (call) =>
      call.command === 'GetObject'
        ? { Body: { transformToString: async () => JSON.stringify(snapshot()) } }
        : healthyAccount(call),
    beforeRun: clearOrgSnapshotCache,
    throughMiddleware: (harness) => harness.org.s3Mock.restore(),
  });
});
