/**
 * Named values for the OpsItem request tests (the request-hardware-mfa Lambda, every request-type document): the
 * step payload and OpsItem summaries as OpsCenter lists them.
 */
import type { AutomationExecution, OpsItemStatus, OpsItemSummary } from '@aws-sdk/client-ssm';
import { DEDUP_KEY, dedupValue, type OpsItemTask } from '../../../../remediations/lib/ops-item';
import { HARDWARE_MFA_TASK } from '../../../../remediations/request-hardware-mfa/checklist';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from '../../../helpers/constants';

export const EXECUTION_ID = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
export const OPEN_OPS_ITEM_ID = 'oi-0123456789ab';
export const CREATED_OPS_ITEM_ID = 'oi-ba9876543210';

/** The OpenOpsItem Payload after SSM substituted the parameters (every value a string). */
export function stepPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    executionId: EXECUTION_ID,
    accountId: MEMBER_ACCOUNT,
    severity: '2',
    dryRun: 'false',
    ...overrides,
  };
}

/** An OpsItem rootguard opened for `accountId`, in `status`, for `task` (default: hardware MFA). */
export function opsItem(
  status: OpsItemStatus,
  accountId = MEMBER_ACCOUNT,
  id = OPEN_OPS_ITEM_ID,
  task: OpsItemTask = HARDWARE_MFA_TASK,
): OpsItemSummary {
  return {
    OpsItemId: id,
    Status: status,
    Source: 'rootguard',
    CreatedBy: LAMBDA_SESSION_ARN,
    Title: task.title(accountId),
    OperationalData: { [DEDUP_KEY]: { Value: dedupValue(task, accountId), Type: 'SearchableString' } },
  };
}

/** The request-hardware-mfa Lambda's own role: the creator of rootguard's OpsItems (identity.ts principal form). */
export const OPS_ITEM_CREATOR = `arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/rootguard-prod-remediation-request-hardware-mfa`;
/** What sts:GetCallerIdentity answers inside the Lambda (a session of that role). */
export const LAMBDA_SESSION_ARN = `arn:aws:sts::${SECURITY_TOOLING_ACCOUNT}:assumed-role/rootguard-prod-remediation-request-hardware-mfa/rootguard-request-hardware-mfa`;

/** GetAutomationExecution's record of a genuine run of the request document that sent `payload`. */
export function requestRecord(
  payload: Record<string, unknown>,
  overrides: Partial<AutomationExecution> = {},
): AutomationExecution {
  const task = String(payload.task ?? 'hardware-mfa');
  return {
    AutomationExecutionId: String(payload.executionId),
    DocumentName: {
      'hardware-mfa': 'RootGuard-RequestHardwareMfa',
      'root-activity-forwarding': 'RootGuard-RequestRootActivityForwarding',
      'backup-hardware-mfa': 'RootGuard-RequestBackupHardwareMfa',
    }[task],
    DocumentVersion: '1',
    AutomationExecutionStatus: 'InProgress',
    ExecutedBy: `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/AWSServiceRoleForConfigRemediation/config-remediation`,
    Parameters: {
      AutomationAssumeRole: [`arn:aws:iam::${MEMBER_ACCOUNT}:role/RootGuardRemediationRole`],
      AccountId: [String(payload.accountId)],
      Severity: [String(payload.severity)],
      DryRun: [String(payload.dryRun)],
    },
    ...overrides,
  };
}
