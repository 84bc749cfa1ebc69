/**
 * root-hardware-mfa — the root user is protected by hardware MFA.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Scenarios:
 *  - root has no credentials at all (no password, keys, certificates or MFA) → COMPLIANT (centralized root access)
 *  - root has MFA and no virtual MFA device is assigned to it → COMPLIANT (hardware MFA)
 *  - a virtual MFA device is assigned to root (with or without another device) → NON_COMPLIANT, names the serial
 *  - root MFA is off → NON_COMPLIANT
 */
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import {
  hasNoRootCredentials,
  type RootCredentialSummary,
  type RootVirtualMfaDevice,
} from '../../lib/root-credentials';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootHardwareMfaFacts {
  summary: RootCredentialSummary;
  rootVirtualMfaDevices: RootVirtualMfaDevice[];
}

export function evaluate(
  facts: RootHardwareMfaFacts,
  _params: unknown,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const { summary, rootVirtualMfaDevices: virtual } = facts;
  if (virtual.length > 0) {
    const serials = virtual.map((d) => d.serialNumber).join(', ');
    return [
      nonCompliant(
        accountId,
        `root user has a virtual MFA device (${serials}); only a FIDO security key or hardware TOTP token counts`,
      ),
    ];
  }
  if (hasNoRootCredentials(summary)) {
    return [
      compliant(
        accountId,
        'root user has no credentials (no password, access keys, signing certificates or MFA), as centralized root access leaves it',
      ),
    ];
  }
  if (!summary.mfaEnabled) {
    return [nonCompliant(accountId, 'root user has no MFA device')];
  }
  return [compliant(accountId, 'root user has MFA and no virtual MFA device, so its MFA is hardware')];
}
