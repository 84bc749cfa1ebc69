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

type Removal = Omit<RootCredentialAction, 'kind'>;

const MFA_LABELS = { virtual: 'virtual', 'security-key': 'security key', hardware: 'hardware' } as const;

/** Per kind: what removing each credential of that kind in `inventory` takes. */
const REMOVALS: Record<RootCredentialKind, (inventory: RootCredentialInventory) => Removal[]> = {
  accessKeys: ({ accessKeys = [] }) =>
    accessKeys.map(({ accessKeyId: id, status }) => ({
      id,
      calls: ['iam:DeleteAccessKey'],
      label: `access key ${id} (${status})`,
    })),
  signingCertificates: ({ signingCertificates = [] }) =>
    signingCertificates.map(({ certificateId: id, status }) => ({
      id,
      calls: ['iam:DeleteSigningCertificate'],
      label: `signing certificate ${id} (${status})`,
    })),
  password: ({ password }) =>
    password ? [{ id: 'password', calls: ['iam:DeleteLoginProfile'], label: 'console password' }] : [],
  // A virtual device outlives its deactivation as an unassigned device: delete it too. A hardware token or
  // security key only needs deactivating.
  mfaDevices: ({ mfaDevices = [] }) =>
    mfaDevices.map(({ serialNumber: id, type }) => ({
      id,
      calls:
        type === 'virtual'
          ? ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']
          : ['iam:DeactivateMFADevice'],
      label: `${MFA_LABELS[type]} MFA device ${id}`,
    })),
};

/** What removing everything in `inventory` that falls in `scope` takes: keys, certificates, password, MFA. */
export const planRootCredentialDeletion = (
  inventory: RootCredentialInventory,
  scope: readonly RootCredentialKind[],
): RootCredentialAction[] =>
  inRemovalOrder(scope).flatMap((kind) => REMOVALS[kind](inventory).map((removal) => ({ kind, ...removal })));

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
