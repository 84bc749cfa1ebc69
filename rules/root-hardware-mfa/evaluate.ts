/**
 * root-hardware-mfa — the root user is protected by hardware MFA.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Two paths, and the annotation says which judged (a facts file from before the inventory has neither note):
 *  - the root audit session (lib/root-mfa-inventory.ts) listed root's devices: each device's exact kind
 *  - otherwise the account's own IAM: "hardware" inferred from "MFA on and no virtual device assigned to root"
 * Scenarios:
 *  - root has no credentials at all (no password, keys, certificates or MFA) → COMPLIANT (centralized root access)
 *  - root has MFA and every device is a FIDO key or hardware TOTP token (inventory), or no virtual MFA device is
 *    assigned to it (IAM) → COMPLIANT (hardware MFA)
 *  - a virtual MFA device is on root (with or without another device) → NON_COMPLIANT, names the serial
 *  - a device whose serial rootguard cannot read (inventory) → NON_COMPLIANT, never counted as hardware
 *  - root MFA is off → NON_COMPLIANT
 */
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import type { MfaDevice } from '../../lib/mfa-device';
import {
  hasNoRootCredentials,
  type RootCredentialSummary,
  type RootVirtualMfaDevice,
} from '../../lib/root-credentials';
import type { RootMfaInventory } from '../../lib/root-mfa-inventory-types';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootHardwareMfaFacts {
  summary: RootCredentialSummary;
  rootVirtualMfaDevices: RootVirtualMfaDevice[];
  /** The root audit session's devices, or why there were none; absent in facts files from before it. */
  inventory?: RootMfaInventory;
}

const NO_CREDENTIALS =
  'root user has no credentials (no password, access keys, signing certificates or MFA), as centralized root access leaves it';
const virtualDevice = (serials: string) =>
  `root user has a virtual MFA device (${serials}); only a FIDO security key or hardware TOTP token counts`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Judged from the exact kind of each device the root audit session listed. */
function fromInventory(
  devices: MfaDevice[],
  summary: RootCredentialSummary,
  accountId: string,
): RuleEvaluation {
  const serials = (kind: MfaDevice['kind']) =>
    devices
      .filter((d) => d.kind === kind)
      .map((d) => d.serialNumber)
      .join(', ');
  if (serials('virtual')) return nonCompliant(accountId, virtualDevice(serials('virtual')));
  if (serials('unknown')) {
    return nonCompliant(
      accountId,
      `root user has an MFA device whose kind cannot be read from its serial (${serials('unknown')}); it is not counted as hardware`,
    );
  }
  if (devices.length === 0) {
    return hasNoRootCredentials(summary)
      ? compliant(accountId, NO_CREDENTIALS)
      : nonCompliant(accountId, 'root user has no MFA device (listed in a root audit session)');
  }
  const fido = devices.filter((d) => d.kind === 'fido').length;
  const totp = devices.length - fido;
  const kinds = [
    fido ? plural(fido, 'FIDO security key') : '',
    totp ? plural(totp, 'hardware TOTP token') : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return compliant(accountId, `root user's MFA is hardware: ${kinds} (listed in a root audit session)`);
}

export function evaluate(
  facts: RootHardwareMfaFacts,
  _params: unknown,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const { summary, rootVirtualMfaDevices: virtual, inventory } = facts;
  if (inventory?.status === 'listed') return [fromInventory(inventory.devices, summary, accountId)];
  // The account's own IAM judges; say so when a root audit session was tried and could not list the devices.
  const path = inventory ? ` (judged from the account's IAM: ${inventory.detail})` : '';
  if (virtual.length > 0) {
    return [
      nonCompliant(accountId, `${virtualDevice(virtual.map((d) => d.serialNumber).join(', '))}${path}`),
    ];
  }
  if (hasNoRootCredentials(summary)) return [compliant(accountId, `${NO_CREDENTIALS}${path}`)];
  if (!summary.mfaEnabled) return [nonCompliant(accountId, `root user has no MFA device${path}`)];
  return [compliant(accountId, `root user has MFA and no virtual MFA device, so its MFA is hardware${path}`)];
}
