/**
 * root-backup-mfa — the root user has a backup hardware MFA device, and its keys are registered and kept apart.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Devices come from the root audit session (lib/root-mfa-inventory.ts), kinds from each serial; the custody
 * register (lib/custody-register-store.ts) is compared by lib/custody-check.ts, the same function
 * `rootguard custody diff` uses.
 * Scenarios:
 *  - root has no credentials at all → COMPLIANT (centralized root access), its own annotation
 *  - ≥ MinHardwareDevices hardware devices, no virtual one (unless AllowVirtualDevices), every configured
 *    register check passes → COMPLIANT; the annotation says whether the register was checked
 *  - fewer hardware devices than MinHardwareDevices → NON_COMPLIANT, with the count
 *  - a virtual device on root and AllowVirtualDevices false → NON_COMPLIANT, names it
 *  - a device whose kind cannot be read from its serial → NON_COMPLIANT (fails closed, as root-hardware-mfa)
 *  - the devices cannot be counted (centralized root access off, no audit role, AccessDenied, throttling) →
 *    NON_COMPLIANT, says what to enable
 *  - the management account (AssumeRoot cannot reach it) → judged from the register's attestation and its own
 *    IAM (MFA on, no virtual device), the annotation says so; no register or no attestation → NON_COMPLIANT
 *  - register findings, each its own reason: an unregistered device on root, an active entry not on root, all
 *    keys at one site, a custody check (or attestation) older than MaxDaysSinceCustodyCheck → NON_COMPLIANT
 *  - register configured but unreadable or invalid → NON_COMPLIANT with the reason, never a pass
 */

import { type CustodyFinding, compareCustody, custodyDateAge } from '../../lib/custody-check';
import type { CustodyAccount } from '../../lib/custody-register-types';
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import { isHardwareKind, type MfaDevice } from '../../lib/mfa-device';
import {
  hasNoRootCredentials,
  type RootCredentialSummary,
  type RootVirtualMfaDevice,
} from '../../lib/root-credentials';
import type { RootMfaInventory } from '../../lib/root-mfa-inventory-types';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootBackupMfaParams {
  MinHardwareDevices: number;
  AllowVirtualDevices: boolean;
  MaxDaysSinceCustodyCheck: number;
  CustodyRegister?: string;
}

/** The register as collect found it: not asked for, read (with this account's entry, if any), or not readable. */
export type CustodyRegisterFacts =
  | { status: 'not-configured' }
  | { status: 'read'; source: string; account?: CustodyAccount }
  | { status: 'unavailable'; reason: string };

export interface RootBackupMfaFacts {
  /** GetAccountSummary through the account's execution role. */
  summary: RootCredentialSummary;
  inventory: RootMfaInventory;
  /** Management account only: root's virtual devices as its own IAM lists them. */
  rootVirtualMfaDevices?: RootVirtualMfaDevice[];
  register: CustodyRegisterFacts;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const REGISTER_SKIPPED = 'register checks skipped (no CustodyRegister)';

/** One NON_COMPLIANT listing every problem, or COMPLIANT with `ok`. */
function verdict(accountId: string, problems: string[], ok: string): RuleEvaluation {
  return problems.length > 0 ? nonCompliant(accountId, problems.join('; ')) : compliant(accountId, ok);
}

function findingsText(findings: CustodyFinding[]): string[] {
  return findings.map((f) => f.detail);
}

function judgeListed(
  devices: MfaDevice[],
  facts: RootBackupMfaFacts,
  params: RootBackupMfaParams,
  ctx: EvaluateContext,
): RuleEvaluation {
  const hardware = devices.filter((d) => isHardwareKind(d.kind));
  const virtual = devices.filter((d) => d.kind === 'virtual');
  const problems: string[] = [];
  if (hardware.length < params.MinHardwareDevices) {
    problems.push(
      `root user has ${plural(hardware.length, 'hardware MFA device')}, needs at least ${params.MinHardwareDevices} (a primary and a backup)`,
    );
  }
  if (virtual.length > 0 && !params.AllowVirtualDevices) {
    problems.push(`root user has a virtual MFA device (${virtual.map((d) => d.serialNumber).join(', ')})`);
  }
  const { register } = facts;
  const unreadable = devices.filter((d) => d.kind === 'unknown');
  // Fail closed, as root-hardware-mfa does: a serial of no known kind might be anything, registered or not.
  if (unreadable.length > 0) {
    problems.push(
      `root user has an MFA device whose kind cannot be read from its serial (${unreadable.map((d) => d.serialNumber).join(', ')})`,
    );
  }
  let registerNote = REGISTER_SKIPPED;
  if (register.status === 'unavailable') {
    problems.push(`custody register could not be used: ${register.reason}`);
  } else if (register.status === 'read') {
    registerNote = 'every device registered and kept apart';
    problems.push(
      ...findingsText(
        compareCustody(register.account, devices, new Date(ctx.evaluationTime), {
          maxDaysSinceCustodyCheck: params.MaxDaysSinceCustodyCheck,
        }),
      ),
    );
  }
  return verdict(
    ctx.accountId,
    problems,
    `root user has ${plural(hardware.length, 'hardware MFA device')}${virtual.length > 0 ? ` and ${plural(virtual.length, 'allowed virtual device')}` : ''}; ${registerNote}`,
  );
}

/** AssumeRoot cannot reach the management account: the register's attestation and its own IAM judge it. */
function judgeManagementAccount(
  facts: RootBackupMfaFacts,
  params: RootBackupMfaParams,
  ctx: EvaluateContext,
): RuleEvaluation {
  const prefix = 'management account (judged from the custody register attestation and its own IAM)';
  const { register, summary } = facts;
  if (register.status === 'not-configured') {
    return nonCompliant(
      ctx.accountId,
      `${prefix}: no custody register is configured, so nothing attests its devices`,
    );
  }
  if (register.status === 'unavailable') {
    return nonCompliant(ctx.accountId, `${prefix}: custody register could not be used: ${register.reason}`);
  }
  const attestation = register.account?.attestation;
  if (!attestation) {
    return nonCompliant(ctx.accountId, `${prefix}: the custody register has no attestation for it`);
  }
  const problems: string[] = [];
  if (!summary.mfaEnabled) problems.push('its IAM shows root MFA off');
  const virtual = facts.rootVirtualMfaDevices ?? [];
  if (!params.AllowVirtualDevices && virtual.length > 0) {
    problems.push(
      `its IAM shows a virtual MFA device on root (${virtual.map((d) => d.serialNumber).join(', ')})`,
    );
  }
  if (attestation.hardwareDevices < params.MinHardwareDevices) {
    problems.push(
      `attestation records ${plural(attestation.hardwareDevices, 'hardware device')}, needs at least ${params.MinHardwareDevices}`,
    );
  }
  if (!params.AllowVirtualDevices && !attestation.noVirtualDevices) {
    problems.push('attestation does not rule out a virtual device');
  }
  const now = new Date(ctx.evaluationTime);
  const age = custodyDateAge(attestation.date, now, params.MaxDaysSinceCustodyCheck);
  if (age.stale) {
    problems.push(
      `attestation of ${attestation.date} is ${age.ageDays < 0 ? 'dated in the future' : `${age.ageDays} days old (limit ${params.MaxDaysSinceCustodyCheck})`}`,
    );
  }
  // Its devices cannot be listed, so only what the register says about itself is checked: sites and checks.
  const findings = compareCustody(register.account, [], now, {
    maxDaysSinceCustodyCheck: params.MaxDaysSinceCustodyCheck,
  }).filter((f) => f.kind === 'same-site' || f.kind === 'stale-custody-check');
  problems.push(...findingsText(findings));
  return verdict(
    ctx.accountId,
    problems.length > 0 ? [`${prefix}: ${problems.join('; ')}`] : [],
    `${prefix}: ${attestation.signedOffBy} attested ${plural(attestation.hardwareDevices, 'hardware device')} on ${attestation.date}; IAM shows MFA on${virtual.length > 0 ? '' : ', no virtual device'}`,
  );
}

/**
 * The register entry speaks for its own account only: collect picks this account's, but a facts file put
 * together by hand may hold another's (its attestation, or tokens whose serials name no account). Such an entry
 * is a register that cannot be used, never a pass.
 */
function registerOf(register: CustodyRegisterFacts, accountId: string): CustodyRegisterFacts {
  if (register.status !== 'read' || !register.account || register.account.accountId === accountId) {
    return register;
  }
  return {
    status: 'unavailable',
    reason: `its entry in ${register.source} is account ${register.account.accountId}'s`,
  };
}

export function evaluate(
  facts: RootBackupMfaFacts,
  params: RootBackupMfaParams,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const { inventory, summary } = facts;
  const listedNone = inventory.status === 'listed' && inventory.devices.length === 0;
  if (hasNoRootCredentials(summary) && (listedNone || inventory.status === 'unavailable')) {
    return [
      compliant(
        accountId,
        'root user has no credentials (no password, access keys, signing certificates or MFA), as centralized root access leaves it',
      ),
    ];
  }
  const judged = { ...facts, register: registerOf(facts.register, accountId) };
  if (inventory.status === 'listed') return [judgeListed(inventory.devices, judged, params, ctx)];
  if (inventory.reason === 'management-account') return [judgeManagementAccount(judged, params, ctx)];
  return [
    nonCompliant(
      accountId,
      `cannot count the root user's MFA devices: ${inventory.detail}; ${inventory.fix}`,
    ),
  ];
}
