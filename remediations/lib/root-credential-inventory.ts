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
import { awsCall, CollectError, errorName, toCollectError } from '../../lib/errors';
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

/** Every page of a Marker-paginated IAM list; a truncated page without a Marker is refused, not guessed. */
async function allPages<P extends { IsTruncated?: boolean; Marker?: string }, T>(
  action: string,
  accountId: string,
  fetch: (marker: string | undefined) => Promise<P>,
  items: (page: P) => T[],
): Promise<T[]> {
  const all: T[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(action, accountId, () => fetch(marker));
    all.push(...items(page));
    if (page.IsTruncated && !page.Marker) {
      throw new CollectError(`${action} in account ${accountId} returned a truncated page without a Marker`, {
        action,
        accountId,
      });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

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
  if (scope.includes('accessKeys')) {
    inventory.accessKeys = await allPages(
      'iam:ListAccessKeys',
      accountId,
      (Marker) => iam.send(new ListAccessKeysCommand({ Marker })),
      (page) =>
        (page.AccessKeyMetadata ?? []).flatMap((k) =>
          k.AccessKeyId ? [{ accessKeyId: k.AccessKeyId, status: k.Status ?? 'Unknown' }] : [],
        ),
    );
  }
  if (scope.includes('signingCertificates')) {
    inventory.signingCertificates = await allPages(
      'iam:ListSigningCertificates',
      accountId,
      (Marker) => iam.send(new ListSigningCertificatesCommand({ Marker })),
      (page) =>
        (page.Certificates ?? []).flatMap((c) =>
          c.CertificateId ? [{ certificateId: c.CertificateId, status: c.Status ?? 'Unknown' }] : [],
        ),
    );
  }
  if (scope.includes('mfaDevices')) {
    inventory.mfaDevices = await allPages(
      'iam:ListMFADevices',
      accountId,
      (Marker) => iam.send(new ListMFADevicesCommand({ Marker })),
      (page) =>
        (page.MFADevices ?? []).flatMap((d) =>
          d.SerialNumber ? [{ serialNumber: d.SerialNumber, type: mfaDeviceType(d.SerialNumber) }] : [],
        ),
    );
  }
  return inventory;
}
