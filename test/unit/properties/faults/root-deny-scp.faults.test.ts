import { clearOrgSnapshotCache } from '../../../../lib/org-snapshot-store';
import { collect } from '../../../../rules/root-deny-scp/collect';
import { evaluate } from '../../../../rules/root-deny-scp/evaluate';
import metadata from '../../../../rules/root-deny-scp/rule.json';
import { MEMBER_ACCOUNT, ORG_ROOT_ID } from '../../../helpers/constants';
import { describeFaultSweep } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';
import { orgSnapshotFixture } from '../../../helpers/org-snapshot';
import { DENY_ROOT_SCP } from '../../../helpers/scp';

/** The organization snapshot with the deny-root SCP on the root: what the rule reads, from S3. */
const snapshot = () =>
  orgSnapshotFixture({
    members: [MEMBER_ACCOUNT],
    attached: [{ policy: DENY_ROOT_SCP, targets: [ORG_ROOT_ID] }],
  });

// root-deny-scp reads nothing but the snapshot (s3:GetObject, by the membership guard and then collect): the
// harness's S3 mock is lifted so that the read goes through the fault middleware like any other call.
describe('root-deny-scp under faults', () => {
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
