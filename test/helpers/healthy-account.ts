/**
 * What a healthy, compliant member account answers to every read rootguard's rules make, by command: the
 * responder of the fault sweeps (test/helpers/fault-sweep.ts). Root has a hardware MFA device, no keys, no
 * certificates and has never been used; no break-glass window; every Region forwards root activity to the
 * central bus. Its root audit session (sts:AssumeRole of the root-audit role, then sts:AssumeRoot) lists a
 * primary and a backup FIDO key.
 */
import { MEMBER_ACCOUNT } from './constants';
import { credentialReportCsv, getCredentialReportOutput, rootRow } from './credential-report';
import type { RecordedCall } from './faults';
import { fidoSerial, listedDevices } from './mfa-devices';
import { CENTRAL_BUS_ARN } from './root-activity-alerting';
import { ROOT_AUDIT_KEY, sessionCredentials } from './root-audit';

/** Enabled Regions of the account: the sign-in Region and one more. */
export const HEALTHY_REGIONS = ['us-east-1', 'eu-west-1'];
/** The FIDO keys on the healthy account's root: a primary and a backup. */
export const HEALTHY_ROOT_DEVICES = [
  fidoSerial(MEMBER_ACCOUNT, 'primary'),
  fidoSerial(MEMBER_ACCOUNT, 'backup'),
];
const FORWARD_EVERYTHING = JSON.stringify({ detail: { userIdentity: { type: ['Root'] } } });

export function healthyAccount(call: RecordedCall): Record<string, unknown> {
  switch (call.command) {
    case 'GetAccountSummary':
      return {
        SummaryMap: {
          AccountMFAEnabled: 1,
          AccountAccessKeysPresent: 0,
          AccountSigningCertificatesPresent: 0,
          AccountPasswordPresent: 1,
        },
      };
    case 'AssumeRole':
    case 'AssumeRoot':
      return { Credentials: sessionCredentials(ROOT_AUDIT_KEY) };
    case 'ListMFADevices':
      return { MFADevices: listedDevices(HEALTHY_ROOT_DEVICES), IsTruncated: false };
    case 'ListVirtualMFADevices':
      return { VirtualMFADevices: [], IsTruncated: false };
    case 'GenerateCredentialReport':
      return { State: 'COMPLETE' };
    case 'GetCredentialReport':
      return getCredentialReportOutput(credentialReportCsv([rootRow(MEMBER_ACCOUNT)]));
    case 'Query':
      return { Items: [], Count: 0 };
    case 'ListRegions':
      return {
        Regions: HEALTHY_REGIONS.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED_BY_DEFAULT' })),
      };
    case 'ListRules':
      return {
        Rules: [
          {
            Name: 'rootguard-forward-root-activity',
            Arn: `arn:aws:events:${call.region}:${MEMBER_ACCOUNT}:rule/rootguard-forward-root-activity`,
            State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
            EventPattern: FORWARD_EVERYTHING,
          },
        ],
      };
    case 'ListTargetsByRule':
      return { Targets: [{ Id: 'central-bus', Arn: CENTRAL_BUS_ARN }] };
    case 'DescribeMetricFilters':
      return { metricFilters: [] };
    case 'DescribeAlarmsForMetric':
      return { MetricAlarms: [] };
    default:
      throw new Error(`test: the healthy account has no answer for ${call.command}`);
  }
}
