/**
 * The plan, pure: a root credential inventory (root-credential-inventory.ts) → the IAM calls that remove what is
 * in scope, in removal order (MFA last) → the report lines and credential sets the step returns.
 */
import type { RootCredentialInventory, RootCredentialKind } from './root-credential-inventory';
import { ROOT_CREDENTIAL_KINDS } from './root-credential-inventory';

export type RootCredentialCall =
  | 'iam:DeleteAccessKey'
  | 'iam:DeleteSigningCertificate'
  | 'iam:DeleteLoginProfile'
  | 'iam:DeactivateMFADevice'
  | 'iam:DeleteVirtualMFADevice';

export interface RootCredentialAction {
  kind: RootCredentialKind;
  /** The access key id, certificate id or MFA serial number; `password` for the console password. */
  id: string;
  /** The IAM calls that remove it, in order. */
  calls: RootCredentialCall[];
  /** What it is, for the report: `access key AKIA… (Active)`. */
  label: string;
}

const KIND_NAMES: Record<RootCredentialKind, string> = {
  accessKeys: 'access keys',
  signingCertificates: 'signing certificates',
  password: 'console password',
  mfaDevices: 'MFA devices',
};

/** The scope's kinds in removal order, whatever order the caller listed them in. */
export const inRemovalOrder = (scope: readonly RootCredentialKind[]): RootCredentialKind[] =>
  ROOT_CREDENTIAL_KINDS.filter((kind) => scope.includes(kind));

/** What removing everything in `inventory` that falls in `scope` takes: keys, certificates, password, MFA. */
export function planRootCredentialDeletion(
  inventory: RootCredentialInventory,
  scope: readonly RootCredentialKind[],
): RootCredentialAction[] {
  const actions: RootCredentialAction[] = [];
  for (const kind of inRemovalOrder(scope)) {
    switch (kind) {
      case 'accessKeys':
        for (const k of inventory.accessKeys ?? []) {
          actions.push({
            kind,
            id: k.accessKeyId,
            calls: ['iam:DeleteAccessKey'],
            label: `access key ${k.accessKeyId} (${k.status})`,
          });
        }
        break;
      case 'signingCertificates':
        for (const c of inventory.signingCertificates ?? []) {
          actions.push({
            kind,
            id: c.certificateId,
            calls: ['iam:DeleteSigningCertificate'],
            label: `signing certificate ${c.certificateId} (${c.status})`,
          });
        }
        break;
      case 'password':
        if (inventory.password) {
          actions.push({
            kind,
            id: 'password',
            calls: ['iam:DeleteLoginProfile'],
            label: 'console password',
          });
        }
        break;
      case 'mfaDevices':
        for (const d of inventory.mfaDevices ?? []) {
          // A virtual device outlives its deactivation as an unassigned device: delete it too. A hardware
          // token or security key only needs deactivating.
          const calls: RootCredentialCall[] =
            d.type === 'virtual'
              ? ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']
              : ['iam:DeactivateMFADevice'];
          const label = { virtual: 'virtual', 'security-key': 'security key', hardware: 'hardware' }[d.type];
          actions.push({ kind, id: d.serialNumber, calls, label: `${label} MFA device ${d.serialNumber}` });
        }
        break;
    }
  }
  return actions;
}

/** Per kind in scope: the ids removed (or to remove); `password` is true when the password is (or goes). */
export interface RootCredentialSet {
  password?: boolean;
  accessKeys?: string[];
  signingCertificates?: string[];
  mfaDevices?: string[];
}

export function credentialSet(
  scope: readonly RootCredentialKind[],
  actions: readonly RootCredentialAction[],
): RootCredentialSet {
  const set: RootCredentialSet = {};
  for (const kind of inRemovalOrder(scope)) {
    const ids = actions.filter((a) => a.kind === kind).map((a) => a.id);
    if (kind === 'password') set.password = ids.length > 0;
    else set[kind] = ids;
  }
  return set;
}

const verbs = (action: RootCredentialAction, dryRun: boolean): string => {
  if (action.kind !== 'mfaDevices') return dryRun ? 'would delete' : 'deleted';
  const alsoDelete = action.calls.includes('iam:DeleteVirtualMFADevice');
  if (dryRun) return alsoDelete ? 'would deactivate and delete' : 'would deactivate';
  return alsoDelete ? 'deactivated and deleted' : 'deactivated';
};

/**
 * One line per credential: what was (or would be) removed, or `root already has no <kind>` for each kind in
 * scope with nothing to remove. Kinds in removal order.
 */
export function reportLines(
  scope: readonly RootCredentialKind[],
  actions: readonly RootCredentialAction[],
  dryRun: boolean,
): string[] {
  const lines: string[] = [];
  for (const kind of inRemovalOrder(scope)) {
    const ofKind = actions.filter((a) => a.kind === kind);
    if (ofKind.length === 0) lines.push(`root already has no ${KIND_NAMES[kind]}`);
    for (const action of ofKind) lines.push(`${verbs(action, dryRun)} root ${action.label}`);
  }
  return lines;
}
