/**
 * Pure: the OpsItem that asks people to put two hardware MFA devices on an account's root user. A root user's MFA
 * can only be registered by someone signed in as that root user, so this remediation hands over a checklist
 * instead of changing anything. The OpsItem flow (dedup, dry run, create) is remediations/lib/ops-item.ts.
 */
import type { OpsItemTask } from '../lib/ops-item';

export const RULE_ID = 'root-hardware-mfa';
/** The `task` RootGuard-RequestHardwareMfa sends in its Payload. */
export const TASK_ID = 'hardware-mfa';

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

export const HARDWARE_MFA_TASK: OpsItemTask = {
  id: TASK_ID,
  folder: 'request-hardware-mfa',
  ruleId: RULE_ID,
  subject: 'the root hardware MFA',
  title: opsItemTitle,
  description: opsItemDescription,
};
