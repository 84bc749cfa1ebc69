import {
  CUSTODY_REGISTER_BUCKET_ENV,
  CUSTODY_REGISTER_BUCKET_OWNER_ENV,
} from '../../../../lib/custody-register-store';
import { ROOT_AUDIT_ROLE_ARN_ENV } from '../../../../lib/root-mfa-inventory';
import { collect } from '../../../../rules/root-backup-mfa/collect';
import { evaluate } from '../../../../rules/root-backup-mfa/evaluate';
import metadata from '../../../../rules/root-backup-mfa/rule.json';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { describeFaultSweep, readingOrgSnapshot } from '../../../helpers/fault-sweep';
import { healthyAccount } from '../../../helpers/healthy-account';
import { keptApart } from '../../../helpers/mfa-devices';
import { orgSnapshotFixture, s3Object } from '../../../helpers/org-snapshot';
import { AUDIT_ROLE_ARN } from '../../../helpers/root-audit';

const REGISTER_BUCKET = 'rootguard-prod-custodyregisterbucket-abc';

/** The tooling account's register: the healthy account's two keys, kept apart, checked a month before the event. */
const register = () => s3Object(JSON.stringify({ version: 1, accounts: [keptApart(MEMBER_ACCOUNT)] }));

// Every read goes through the fault middleware: the snapshot, the execution role and the root-audit role
// (sts:AssumeRole), sts:AssumeRoot, every page of iam:ListMFADevices, and the register (s3:GetObject). A fault in
// the root audit session or the register is the rule's own NON_COMPLIANT, naming it.
describe('root-backup-mfa under faults', () => {
  beforeAll(() => {
    process.env[ROOT_AUDIT_ROLE_ARN_ENV] = AUDIT_ROLE_ARN;
    process.env[CUSTODY_REGISTER_BUCKET_ENV] = REGISTER_BUCKET;
    process.env[CUSTODY_REGISTER_BUCKET_OWNER_ENV] = '444444444444';
  });
  afterAll(() => {
    for (const name of [
      ROOT_AUDIT_ROLE_ARN_ENV,
      CUSTODY_REGISTER_BUCKET_ENV,
      CUSTODY_REGISTER_BUCKET_OWNER_ENV,
    ]) {
      delete process.env[name];
    }
  });

  const snapshot = readingOrgSnapshot(
    () => orgSnapshotFixture({ members: [MEMBER_ACCOUNT] }),
    (call) => (call.command === 'GetObject' ? register() : healthyAccount(call)),
  );
  describeFaultSweep({
    rule: { metadata, collect, evaluate },
    ...snapshot,
    throughMiddleware: (harness) => {
      snapshot.throughMiddleware?.(harness);
      harness.sts.restore();
    },
    invocation: { ruleParameters: { CustodyRegister: 'custody-register.json' } },
    explainedBy: /cannot count the root user's MFA devices|custody register could not be used/,
  });
});
