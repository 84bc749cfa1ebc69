/**
 * root-access-centralized — the organization manages member root access centrally (CIS AWS Foundations v7.0.0
 * 2.1.1): both RootCredentialsManagement and RootSessions are enabled.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * The features are the organization's, read once per organization snapshot by the snapshot builder from the
 * management account (or the IAM delegated administrator): no rule role may call iam:ListOrganizationsFeatures.
 * Scenarios:
 *  - a member account, both features enabled → COMPLIANT; when root still has credentials (enabling the features
 *    deletes none), the annotation names them and says to remove them with RootGuard-DeleteRootCredentials
 *  - a member account, one or both features off → NON_COMPLIANT, names what is missing and the command enabling it
 *  - the management account → NOT_APPLICABLE (centralized root access never covers it)
 *  - the snapshot could not read the features (AccessDenied, no all features, trusted access for IAM off, the
 *    reader not the management account or delegated administrator, throttling, anything else) → NON_COMPLIANT, says why
 *  - a snapshot built before rootguard read the features (no rootAccessFeatures) → NON_COMPLIANT, says so
 *  - no organization, or an account the organization does not list → NON_COMPLIANT
 */
import { oneLine } from '../../lib/escape';
import { compliant, nonCompliant, notApplicable, type RuleEvaluation } from '../../lib/evaluation';
import type { OrganizationFacts } from '../../lib/org-tree';
import {
  ENABLE_FEATURE_COMMAND,
  MAX_ERROR_LENGTH,
  missingRootAccessFeatures,
  type RootAccessFeatures,
  type UnreadableReason,
} from '../../lib/root-access-features';
import type { RootCredentialSummary } from '../../lib/root-credentials';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootAccessCentralizedFacts {
  organization: OrganizationFacts | null;
  /** False when the organization snapshot does not list the account. */
  accountInOrganization: boolean;
  /** When the organization snapshot the features come from was built. */
  snapshotBuiltAt: string;
  /** What the snapshot recorded; null when the snapshot predates rootguard's read of the features. */
  rootAccessFeatures: RootAccessFeatures | null;
  /** The root user's credentials (iam:GetAccountSummary); null when not read (not a member account). */
  rootCredentials: RootCredentialSummary | null;
}

/** Names the reason a snapshot holds no feature list, and what to do about it. */
const UNREADABLE: Record<UnreadableReason, (orgId: string) => string> = {
  ACCESS_DENIED: () =>
    'the snapshot builder was denied iam:ListOrganizationsFeatures; grant it to the OrgReadRole (management-account.yaml)',
  NOT_ALL_FEATURES: (orgId) =>
    `organization ${orgId} does not have all features enabled, so centralized root access is unavailable`,
  TRUSTED_ACCESS_DISABLED: (orgId) =>
    `trusted access for IAM is not enabled in organization ${orgId}, so centralized root access is off`,
  NOT_ADMINISTRATOR: () =>
    'the snapshot builder reads from neither the management account nor the IAM delegated administrator, so IAM refused to list the features',
  NO_ORGANIZATION: () => 'IAM found no organization for the snapshot builder',
  THROTTLED: () => 'iam:ListOrganizationsFeatures was throttled',
  FAILED: () => 'iam:ListOrganizationsFeatures failed',
};

/** The root credentials GetAccountSummary still reports, as words. */
function remainingCredentials(summary: RootCredentialSummary): string[] {
  return [
    ...(summary.passwordPresent === true ? ['a password'] : []),
    ...(summary.accessKeysPresent ? ['access keys'] : []),
    ...(summary.signingCertificatesPresent ? ['signing certificates'] : []),
    ...(summary.mfaEnabled ? ['an MFA device'] : []),
  ];
}

function compliantWith(accountId: string, orgId: string, summary: RootCredentialSummary | null) {
  const covered = `organization ${orgId} has centralized root access (RootCredentialsManagement, RootSessions)`;
  if (summary === null) return compliant(accountId, `${covered}; root credentials were not read`);
  const remaining = remainingCredentials(summary);
  if (remaining.length > 0) {
    // Shorter than `covered`: four credentials and the remedy must fit Config's 256 characters.
    return compliant(
      accountId,
      `organization ${orgId} has centralized root access, but root still has ${remaining.join(', ')} (enabling it deletes none): remove them with RootGuard-DeleteRootCredentials`,
    );
  }
  if (summary.passwordPresent === undefined) {
    return compliant(accountId, `${covered}; whether root still has a password is unknown`);
  }
  return compliant(accountId, `${covered} and root has no credentials`);
}

export function evaluate(
  facts: RootAccessCentralizedFacts,
  _params: unknown,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const org = facts.organization;
  if (!org) {
    return [nonCompliant(accountId, 'is in no AWS Organization, so centralized root access cannot cover it')];
  }
  if (org.managementAccountId === accountId) {
    return [
      notApplicable(
        accountId,
        `is the management account of ${org.id}; centralized root access covers member accounts only, so protect its root user itself`,
      ),
    ];
  }
  if (!facts.accountInOrganization) {
    return [nonCompliant(accountId, `is not a member of organization ${org.id}, which rootguard reads`)];
  }
  const features = facts.rootAccessFeatures;
  if (features === null) {
    return [
      nonCompliant(
        accountId,
        `the organization snapshot (built ${facts.snapshotBuiltAt}) predates rootguard's read of centralized root access features; the next rebuild (hourly) reads them`,
      ),
    ];
  }
  if (features.status === 'UNREADABLE') {
    return [
      nonCompliant(
        accountId,
        // The error is AWS's text (a facts file may carry anything): one line, bounded.
        `could not tell whether centralized root access is enabled: ${UNREADABLE[features.reason](org.id)} (${oneLine(features.error, MAX_ERROR_LENGTH)})`,
      ),
    ];
  }
  const missing = missingRootAccessFeatures(features.enabledFeatures);
  if (missing.length > 0) {
    const commands = missing.map((feature) => ENABLE_FEATURE_COMMAND[feature]).join(' and ');
    return [
      nonCompliant(
        accountId,
        `organization ${org.id} has not enabled ${missing.join(', ')}; run ${commands} from the management account`,
      ),
    ];
  }
  return [compliantWith(accountId, org.id, facts.rootCredentials)];
}
