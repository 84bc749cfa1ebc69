/**
 * Named values for the OpsItem request tests (the request-hardware-mfa Lambda, every request-type document): the
 * step payload and OpsItem summaries as OpsCenter lists them.
 */
import type { OpsItemStatus, OpsItemSummary } from '@aws-sdk/client-ssm';
import { DEDUP_KEY, dedupValue, type OpsItemTask } from '../../../../remediations/lib/ops-item';
import { HARDWARE_MFA_TASK } from '../../../../remediations/request-hardware-mfa/checklist';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';

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
    Title: task.title(accountId),
    OperationalData: { [DEDUP_KEY]: { Value: dedupValue(task, accountId), Type: 'SearchableString' } },
  };
}
