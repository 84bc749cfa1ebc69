/**
 * Pure: the OpsItem that asks people to give an account's root user a backup hardware MFA device, record it in
 * the key custody register and keep it at another site than the primary (rule root-backup-mfa). Only someone
 * signed in as that root user can register a device, so this remediation hands over a checklist. The OpsItem flow
 * (dedup, dry run, create) is remediations/lib/ops-item.ts; the Lambda that opens it is
 * remediations/request-hardware-mfa/handler.ts, which serves every request-type document.
 */
import type { OpsItemTask } from '../lib/ops-item';

export const RULE_ID = 'root-backup-mfa';
/** The `task` RootGuard-RequestBackupHardwareMfa sends in its Payload. */
export const TASK_ID = 'backup-hardware-mfa';

export function opsItemTitle(accountId: string): string {
  return `Give the root user of ${accountId} a registered backup hardware MFA device kept at another site`;
}

/** The checklist the OpsItem carries (CreateOpsItem: at most 2,048 characters). */
export function opsItemDescription(accountId: string): string {
  return [
    `rootguard (${RULE_ID}) found that the root user of AWS account ${accountId} has no registered backup hardware MFA device kept apart from the primary (the Config annotation says which check failed: too few hardware devices, a virtual device, a device missing from or unknown to the custody register, keys at one site, or an old custody check).`,
    '',
    'Checklist:',
    '1. Procure a second FIDO security key (FIDO2 certified) or hardware TOTP token for this root user.',
    `2. Sign in as the root user of ${accountId} and register it beside the primary (Security credentials > Assign MFA device; root can hold up to 8). Test both devices; remove any virtual device.`,
    '3. Remove from root any device nobody can account for, and any device the register records as lost or retired.',
    '4. Record every device in the key custody register (serial exactly as IAM lists it, kind, custodian, site, date of the custody check, status active), run rootguard custody check, then rootguard custody publish.',
    '5. Store the backup at a different site than the primary, sealed and logged, with dual-person retrieval; check custody at least every MaxDaysSinceCustodyCheck days and update the register.',
    `6. Resolve this OpsItem. The ${RULE_ID} rule turns COMPLIANT at its next evaluation.`,
  ].join('\n');
}

export const BACKUP_HARDWARE_MFA_TASK: OpsItemTask = {
  id: TASK_ID,
  folder: 'request-backup-hardware-mfa',
  ruleId: RULE_ID,
  subject: 'the root backup hardware MFA',
  title: opsItemTitle,
  description: opsItemDescription,
};
