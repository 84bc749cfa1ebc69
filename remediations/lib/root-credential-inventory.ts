/**
 * What the root user holds, read inside a root session (root-session.ts): console password, access keys, signing
 * certificates, MFA devices, only the kinds a remediation is about. No UserName anywhere: in a root session, that
 * is root.
 */
import {
  GetLoginProfileCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { awsPageItems, errorName, toCollectError } from '../../lib/errors';
import { nextMarker } from '../../lib/iam-root';
import { classifyMfaSerial } from '../../lib/mfa-device';

/** Kinds of root credential, in the order they are removed: MFA last, so it guards whatever is left. */
export const ROOT_CREDENTIAL_KINDS = ['accessKeys', 'signingCertificates', 'password', 'mfaDevices'] as const;
export type RootCredentialKind = (typeof ROOT_CREDENTIAL_KINDS)[number];

export interface RootAccessKey {
  accessKeyId: string;
  status: string;
}

export interface RootSigningCertificate {
  certificateId: string;
  status: string;
}

/**
 * How a removal report names a device: the kind comes from lib/mfa-device.ts (one reading of serials for the
 * rules and the remediations); a serial it cannot read is reported as hardware, as it always was here.
 */
export type MfaDeviceType = 'virtual' | 'security-key' | 'hardware';

export interface RootMfaDevice {
  serialNumber: string;
  type: MfaDeviceType;
}

/** What root holds, per kind looked at; a kind outside the scope is absent (not looked at), never empty. */
export interface RootCredentialInventory {
  /** A console password (login profile) exists. */
  password?: boolean;
  accessKeys?: RootAccessKey[];
  signingCertificates?: RootSigningCertificate[];
  mfaDevices?: RootMfaDevice[];
}

export function mfaDeviceType(serialNumber: string): MfaDeviceType {
  const kind = classifyMfaSerial(serialNumber);
  if (kind === 'virtual') return 'virtual';
  return kind === 'fido' ? 'security-key' : 'hardware';
}

/** IAM's "not there" (the SDK's name, and the older one some endpoints still send). */
export const isNoSuchEntity = (error: unknown) =>
  errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity';

type Page = { IsTruncated?: boolean; Marker?: string };

/** Reads every item of one kind, across every page. */
type PagedReader<T> = (iam: IAMClient, accountId: string) => Promise<T[]>;

/**
 * The one reader of a Marker-paginated IAM list, for every kind: every page (a truncated page without a Marker
 * is refused, lib/iam-root.ts nextMarker), each entry through `item` (an entry without its id is skipped).
 */
function pagedReader<P extends Page, E, T>(
  action: string,
  fetch: (iam: IAMClient, marker: string | undefined) => Promise<P>,
  entries: (page: P) => E[] | undefined,
  item: (entry: E) => T | undefined,
): PagedReader<T> {
  return async (iam, accountId) => {
    const read = (marker: string | undefined) => fetch(iam, marker);
    const listed = await awsPageItems(action, accountId, read, nextMarker(action, accountId), entries);
    return listed.flatMap((entry) => {
      const found = item(entry);
      return found === undefined ? [] : [found];
    });
  };
}

/** Every kind but the password (a single Get, not a list), read by its paged IAM list. */
const PAGED_READERS: { [K in Exclude<RootCredentialKind, 'password'>]: PagedReader<ItemOf<K>> } = {
  accessKeys: pagedReader(
    'iam:ListAccessKeys',
    (iam, Marker) => iam.send(new ListAccessKeysCommand({ Marker })),
    (page) => page.AccessKeyMetadata,
    (k) => (k.AccessKeyId ? { accessKeyId: k.AccessKeyId, status: k.Status ?? 'Unknown' } : undefined),
  ),
  signingCertificates: pagedReader(
    'iam:ListSigningCertificates',
    (iam, Marker) => iam.send(new ListSigningCertificatesCommand({ Marker })),
    (page) => page.Certificates,
    (c) => (c.CertificateId ? { certificateId: c.CertificateId, status: c.Status ?? 'Unknown' } : undefined),
  ),
  mfaDevices: pagedReader(
    'iam:ListMFADevices',
    (iam, Marker) => iam.send(new ListMFADevicesCommand({ Marker })),
    (page) => page.MFADevices,
    ({ SerialNumber: serial }) =>
      serial ? { serialNumber: serial, type: mfaDeviceType(serial) } : undefined,
  ),
};

type ItemOf<K extends RootCredentialKind> =
  NonNullable<RootCredentialInventory[K]> extends (infer T)[] ? T : never;

/** Reads the root user's credentials of the given kinds. No UserName anywhere: in a root session, that is root. */
export async function listRootCredentials(
  iam: IAMClient,
  scope: readonly RootCredentialKind[],
  accountId: string,
): Promise<RootCredentialInventory> {
  const inventory: RootCredentialInventory = {};
  if (scope.includes('password')) {
    try {
      await iam.send(new GetLoginProfileCommand({}));
      inventory.password = true;
    } catch (error) {
      if (!isNoSuchEntity(error)) {
        throw toCollectError(error, 'iam:GetLoginProfile', accountId);
      }
      inventory.password = false;
    }
  }
  // A line a kind rather than a loop over the kinds: each assignment keeps its own item type.
  const { accessKeys, signingCertificates, mfaDevices } = PAGED_READERS;
  if (scope.includes('accessKeys')) inventory.accessKeys = await accessKeys(iam, accountId);
  if (scope.includes('signingCertificates'))
    inventory.signingCertificates = await signingCertificates(iam, accountId);
  if (scope.includes('mfaDevices')) inventory.mfaDevices = await mfaDevices(iam, accountId);
  return inventory;
}
