/**
 * Every MFA device of a member account's root user, each classified (lib/mfa-device.ts), read in a short root
 * audit session: the rule role assumes the root-audit role of the management account (or the IAM delegated
 * administrator; stacksets/management-account.yaml RootAuditRole), which calls sts:AssumeRoot with the
 * AWS-managed task policy IAMAuditRootUserCredentials; the root session then lists the root user's devices
 * (iam:ListMFADevices, every page). One module for every rule that needs the count or the kinds.
 *
 * Why this way: the member's own IAM cannot say which kind a root device is beyond "virtual or not"
 * (ListVirtualMFADevices), and cannot count the hardware ones; the audit task policy allows ListMFADevices on
 * the root user and not ListVirtualMFADevices, so the kind comes from each serial (ARCHITECTURE.md, "AWS facts").
 *
 * It never guesses: what it could not see is `unavailable`, with the reason and what to enable, and a rule turns
 * that into NON_COMPLIANT. AccessDenied and throttling (after the SDK's adaptive retries) are `unavailable` too;
 * anything else (a repeated page marker, an answer without credentials) is thrown as a typed error.
 *
 * The Region: AssumeRoot is sent to the Regional STS endpoint of `stsRegion` (ROOT_AUDIT_STS_REGION, the central
 * stack's RootAuditStsRegion), never to the function's own Region. CloudTrail records an STS call in the Region of
 * the endpoint called, and the management-account stack forwards AssumeRoot issuances from its own Region only
 * (stacksets/management-account.yaml RootSessionIssuedRule; ARCHITECTURE.md decision 7): both must be the same
 * Region, or the alert never sees the issuance and every audit session pages. IAM is global, so the root
 * session's IAM calls do not depend on it.
 *
 * The session: one AssumeRoot per evaluation, never cached; ROOT_AUDIT_SESSION_SECONDS long; its credentials
 * never leave this function (not logged, not in an error, not in the result). It is root activity in the
 * member account's CloudTrail: the alert path recognises rootguard's own audit sessions by the audit role and
 * the session name (ROOT_AUDIT_SESSION_PREFIX) and does not page on them.
 */
import { IAMClient, ListMFADevicesCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ClientFactory } from './clients';
import {
  AccessDeniedError,
  awsPageItems,
  CollectError,
  errorName,
  isAccessDenied,
  isThrottling,
  onceEachToken,
  RepeatedPageTokenError,
  ThrottlingError,
  toCollectError,
} from './errors';
import { nextMarker } from './iam-root';
import { classifyMfaSerial, type MfaDevice } from './mfa-device';
import { accountOfArn, type Partition, partitionForRegion } from './partition';
import { ENABLE_FEATURE_COMMAND, ROOT_CREDENTIALS_MANAGEMENT } from './root-access-features';
import type { InventoryUnavailableReason, RootMfaInventory } from './root-mfa-inventory-types';
import { assumeRoot, REGION_PATTERN, rootSessionStsConfig, rootTaskPolicyArn } from './root-session';

/**
 * AssumeRoot accepts 0 to 900 seconds; 0 expires as it is issued. Two minutes is the shortest that still leaves
 * ListMFADevices its adaptive retries; the session is dropped as soon as the list is read.
 */
export const ROOT_AUDIT_SESSION_SECONDS = 120;
/** Every audit-role session rootguard opens is named `rootguard-root-audit-<rule id>` (CloudTrail shows it). */
export const ROOT_AUDIT_SESSION_PREFIX = 'rootguard-root-audit-';
/** The environment variable that carries the root-audit role ARN (one value for the organization). */
export const ROOT_AUDIT_ROLE_ARN_ENV = 'ROOT_AUDIT_ROLE_ARN';
/** The environment variable that carries the Region of the audit session's STS endpoint (RootAuditStsRegion). */
export const ROOT_AUDIT_STS_REGION_ENV = 'ROOT_AUDIT_STS_REGION';
/**
 * Unset (a CLI run without it): us-east-1, where the management-account stack runs for the Organizations-change
 * forwarding, and so forwards the issuances too (the central stack parameter has the same default).
 */
export const DEFAULT_ROOT_AUDIT_STS_REGION = 'us-east-1';

/** The root-audit role from the environment (ROOT_AUDIT_ROLE_ARN); undefined when not configured. */
export function rootAuditRoleArn(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[ROOT_AUDIT_ROLE_ARN_ENV]?.trim() || undefined;
}

/** The audit session's STS Region from the environment (ROOT_AUDIT_STS_REGION), else the default. */
export function rootAuditStsRegion(env: NodeJS.ProcessEnv = process.env): string {
  return env[ROOT_AUDIT_STS_REGION_ENV]?.trim() || DEFAULT_ROOT_AUDIT_STS_REGION;
}

export {
  INVENTORY_UNAVAILABLE_REASONS,
  type InventoryUnavailableReason,
  type RootMfaInventory,
} from './root-mfa-inventory-types';

export interface RootMfaInventoryRequest {
  clients: ClientFactory;
  accountId: string;
  partition: Partition;
  /** The root-audit role (management account or IAM delegated administrator); undefined when not configured. */
  auditRoleArn: string | undefined;
  /** From the organization snapshot (none outside an organization): AssumeRoot never reaches this account. */
  managementAccountId: string | undefined;
  /** The rule asking, for the audit-role session name. */
  ruleId: string;
  /** The Region whose Regional STS endpoint AssumeRoot is sent to (rootAuditStsRegion; see the file comment). */
  stsRegion: string;
}

const ENABLE_ROOT_ACCESS = `enable centralized root access (${ENABLE_FEATURE_COMMAND[ROOT_CREDENTIALS_MANAGEMENT]}) from the management account`;

function unavailable(reason: InventoryUnavailableReason, detail: string, fix: string): RootMfaInventory {
  return { status: 'unavailable', reason, detail, fix };
}

/** AccessDenied or throttling become `unavailable`; anything else is thrown, typed. */
function refusal(error: unknown, action: string, accountId: string, fix: string): RootMfaInventory {
  // Errors already typed by awsCall keep the SDK's in `cause`.
  const sdkError =
    error instanceof AccessDeniedError || error instanceof ThrottlingError ? error.cause : error;
  const what = `${action} was refused (${errorName(sdkError)})`;
  if (isAccessDenied(sdkError)) return unavailable('access-denied', what, fix);
  if (isThrottling(sdkError)) {
    return unavailable(
      'throttled',
      `${action} was throttled after retries`,
      'the next periodic evaluation tries again',
    );
  }
  throw toCollectError(error, action, accountId);
}

/** Root's devices in `accountId`, or why they could not be counted (see the file comment). */
export async function readRootMfaInventory(request: RootMfaInventoryRequest): Promise<RootMfaInventory> {
  const { clients, accountId, partition, auditRoleArn, managementAccountId, ruleId, stsRegion } = request;
  if (accountId === managementAccountId) {
    return unavailable(
      'management-account',
      'sts:AssumeRoot cannot reach the management account',
      'record its devices in the custody register attestation',
    );
  }
  if (!auditRoleArn) {
    return unavailable(
      'audit-role-not-configured',
      'no root-audit role is configured',
      'deploy RootAuditRole (stacksets/management-account.yaml) and set RootAuditRoleArn',
    );
  }

  checkStsRegion(stsRegion, partition, accountId);

  let auditCredentials: AwsCredentialIdentity;
  try {
    auditCredentials = await clients.assumeRole(
      auditRoleArn,
      `${ROOT_AUDIT_SESSION_PREFIX}${ruleId}`,
      accountOfArn(auditRoleArn),
    );
  } catch (error) {
    return refusal(
      (error as { cause?: unknown }).cause ?? error,
      'sts:AssumeRole',
      accountId,
      `check that ${auditRoleArn} exists and trusts this rule's role`,
    );
  }

  const sts = clients.unshared(STSClient, rootSessionStsConfig(stsRegion, auditCredentials));
  const taskPolicyArn = rootTaskPolicyArn(partition, 'audit');
  let rootCredentials: AwsCredentialIdentity;
  try {
    rootCredentials = await assumeRoot(sts, {
      accountId,
      taskPolicyArn,
      durationSeconds: ROOT_AUDIT_SESSION_SECONDS,
    });
  } catch (error) {
    if (isAccessDenied(error)) {
      const disabled = await rootAccessDisabled(clients, auditCredentials);
      if (disabled) return unavailable('centralized-root-access-disabled', disabled, ENABLE_ROOT_ACCESS);
    }
    return refusal(
      error,
      'sts:AssumeRoot',
      accountId,
      `allow ${auditRoleArn} sts:AssumeRoot with ${taskPolicyArn.split('/').pop()} and check no SCP denies it`,
    );
  } finally {
    sts.destroy();
  }

  // Never memoised: a root session does not outlive this evaluation.
  const iam = clients.unshared(IAMClient, { credentials: rootCredentials });
  try {
    return { status: 'listed', devices: await listRootMfaDevices(iam, accountId) };
  } catch (error) {
    if (error instanceof RepeatedPageTokenError) throw error;
    return refusal(
      error,
      'iam:ListMFADevices',
      accountId,
      'check that no SCP denies iam:ListMFADevices to the root user',
    );
  } finally {
    iam.destroy();
  }
}

/**
 * A misconfigured RootAuditStsRegion is the operator's to fix, never a device count: a pseudo-region (the global
 * endpoint refuses AssumeRoot) or a Region of another partition (its STS does not know this account) is a
 * CollectError naming the account, so the evaluation fails loudly instead of judging anything.
 */
function checkStsRegion(stsRegion: string, partition: Partition, accountId: string): void {
  const action = 'sts:AssumeRoot';
  if (!REGION_PATTERN.test(stsRegion)) {
    throw new CollectError(
      `${action} for account ${accountId}: ${ROOT_AUDIT_STS_REGION_ENV} "${stsRegion}" is not an AWS Region ` +
        "(AssumeRoot needs a Regional STS endpoint); set RootAuditStsRegion to the management-account stack's Region",
      { action, accountId },
    );
  }
  if (partitionForRegion(stsRegion) !== partition) {
    throw new CollectError(
      `${action} for account ${accountId}: ${ROOT_AUDIT_STS_REGION_ENV} ${stsRegion} is not a Region of partition ` +
        `${partition}; set RootAuditStsRegion to the management-account stack's Region`,
      { action, accountId },
    );
  }
}

/**
 * Why AssumeRoot was refused, when the organization says so: RootCredentialsManagement not enabled (or IAM's
 * trusted access, or all features, missing). Undefined when the features look enabled or cannot be read, so the
 * caller reports the refusal itself.
 */
async function rootAccessDisabled(
  clients: ClientFactory,
  credentials: AwsCredentialIdentity,
): Promise<string | undefined> {
  const iam = clients.client(IAMClient, { credentials });
  try {
    const out = await iam.send(new ListOrganizationsFeaturesCommand({}));
    const features = out.EnabledFeatures ?? [];
    return features.includes(ROOT_CREDENTIALS_MANAGEMENT)
      ? undefined
      : `centralized root access is not enabled (features: ${features.join(', ') || 'none'})`;
  } catch (error) {
    switch (errorName(error)) {
      case 'ServiceAccessNotEnabledException':
        return 'centralized root access is not enabled (no trusted access for IAM in Organizations)';
      case 'OrganizationNotInAllFeaturesModeException':
        return 'centralized root access is not enabled (the organization lacks all features)';
      default:
        return undefined;
    }
  }
}

/**
 * Every page of the root user's ListMFADevices (no UserName: in a root session that is root). A marker handed back
 * twice would loop for ever, or hide devices if we stopped: a RepeatedPageTokenError.
 */
export async function listRootMfaDevices(iam: IAMClient, accountId: string): Promise<MfaDevice[]> {
  const action = 'iam:ListMFADevices';
  const listed = await awsPageItems(
    action,
    accountId,
    (Marker: string | undefined) => iam.send(new ListMFADevicesCommand({ Marker })),
    onceEachToken(action, nextMarker(action, accountId)),
    (page) => page.MFADevices,
  );
  return listed.flatMap((device) =>
    device.SerialNumber
      ? [
          {
            serialNumber: device.SerialNumber,
            kind: classifyMfaSerial(device.SerialNumber),
            ...(device.EnableDate ? { enableDate: new Date(device.EnableDate).toISOString() } : {}),
          },
        ]
      : [],
  );
}
