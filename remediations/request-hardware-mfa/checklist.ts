/**
 * Pure: the OpsItem that asks people to put two hardware MFA devices on an account's root user, how rootguard
 * recognises one it already opened, and what to do given the open ones. A root user's MFA can only be
 * registered by someone signed in as that root user, so this remediation hands over a checklist instead of
 * changing anything.
 *
 * One OpsItem per account while it is open: the dedup key (OperationalData `rootguard:dedupKey`, searchable)
 * finds it with DescribeOpsItems, and OpsCenter's own deduplication (`/aws/dedup`) stops a second one when two
 * runs race. A resolved OpsItem does not count: if the account is still non-compliant, a new one is opened.
 */
import type { OpsItemDataValue, OpsItemSummary } from '@aws-sdk/client-ssm';

export const RULE_ID = 'root-hardware-mfa';
export const OPS_ITEM_SOURCE = 'rootguard';
export const OPS_ITEM_CATEGORY = 'Security';
export const DEDUP_KEY = 'rootguard:dedupKey';
/** OpsItem severities: 1 (critical) to 4 (low). */
export const SEVERITIES = ['1', '2', '3', '4'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_PATTERN = '^[1-4]$';
export const DEFAULT_SEVERITY: Severity = '2';
/** OpsItem statuses that mean someone is (or should be) working on it; Resolved and the rest do not block. */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['Open', 'InProgress']);
/** CreateOpsItem limits (API reference): Title 1-1024, Description 1-2048 characters. */
export const TITLE_MAX = 1024;
export const DESCRIPTION_MAX = 2048;

export const dedupValue = (accountId: string) => `${RULE_ID}/${accountId}`;

export function opsItemTitle(accountId: string): string {
  return `Protect the root user of ${accountId} with two hardware MFA devices`;
}

/** The checklist the OpsItem carries. */
export function opsItemDescription(accountId: string): string {
  return [
    `rootguard (${RULE_ID}) found that the root user of AWS account ${accountId} is not protected by hardware MFA: it has no MFA, or a virtual (authenticator app) MFA device.`,
    '',
    'Checklist:',
    '1. Get two FIDO security keys (FIDO2 certified): a primary and a backup.',
    `2. Sign in as the root user of ${accountId} and register the primary key (Security credentials > Assign MFA device > Passkey or security key).`,
    '3. Register the backup key on the same root user (root can hold up to 8 MFA devices) and test both keys.',
    '4. Remove any virtual MFA device from the root user.',
    '5. Store the two keys apart, in separate secure locations (e.g. two safes at two sites), sealed and logged.',
    '6. Dual-person retrieval: no key can be taken out by one person alone; keep the root password apart from the keys.',
    '7. Document the procedure (where each key is, who may retrieve it, how a retrieval is logged, when the keys are tested) and test it.',
    `8. Resolve this OpsItem. The ${RULE_ID} rule turns COMPLIANT at its next evaluation.`,
    '',
    'In a member account with centralized root access, deleting the root credentials (no password, access keys or MFA) is stronger still and also passes the rule.',
  ].join('\n');
}

/** Priority follows severity: 1 (critical) is priority 1. */
export const priorityFor = (severity: Severity): number => Number(severity);

/** OperationalData of the OpsItem: searchable account and rule, the dedup key, and the execution that opened it. */
export function operationalData(accountId: string, executionId: string): Record<string, OpsItemDataValue> {
  return {
    [DEDUP_KEY]: { Value: dedupValue(accountId), Type: 'SearchableString' },
    'rootguard:accountId': { Value: accountId, Type: 'SearchableString' },
    'rootguard:rule': { Value: RULE_ID, Type: 'SearchableString' },
    'rootguard:automationExecutionId': { Value: executionId, Type: 'String' },
    // OpsCenter's built-in deduplication: no second OpsItem while one with this string is open or in progress.
    '/aws/dedup': {
      Value: JSON.stringify({ dedupString: `rootguard-${dedupValue(accountId)}` }),
      Type: 'SearchableString',
    },
  };
}

/** The DescribeOpsItems filter value for the dedup key (`{"key": ..., "value": ...}`, API reference). */
export const dedupFilterValue = (accountId: string) =>
  JSON.stringify({ key: DEDUP_KEY, value: dedupValue(accountId) });

/** The open OpsItem for this account among those listed, if any (filters again what the API filtered). */
export function openOpsItemFor(
  items: readonly OpsItemSummary[],
  accountId: string,
): OpsItemSummary | undefined {
  return items.find(
    (item) =>
      OPEN_STATUSES.has(item.Status ?? '') &&
      item.OperationalData?.[DEDUP_KEY]?.Value === dedupValue(accountId),
  );
}

export type OpsItemDecision =
  | { kind: 'already-open'; opsItemId: string }
  | { kind: 'dry-run' }
  | { kind: 'create' };

export function decide(open: OpsItemSummary | undefined, dryRun: boolean): OpsItemDecision {
  if (open?.OpsItemId) return { kind: 'already-open', opsItemId: open.OpsItemId };
  return dryRun ? { kind: 'dry-run' } : { kind: 'create' };
}
