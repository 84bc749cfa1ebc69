/**
 * Reads of the root user's credentials that several rules share. These are the only IAM calls that
 * judge root; they return plain facts. A summary key that is missing is an error, never a silent 0.
 */
import { GetAccountSummaryCommand, type IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { awsCall, CollectError } from './errors';
import { type Partition, rootUserArn } from './partition';

/** What `iam:GetAccountSummary` says about the root user (true = present). */
export interface RootCredentialSummary {
  mfaEnabled: boolean;
  accessKeysPresent: boolean;
  signingCertificatesPresent: boolean;
  /** Absent from older responses: undefined means unknown, which never counts as "no password". */
  passwordPresent?: boolean;
}

export interface RootVirtualMfaDevice {
  serialNumber: string;
  enableDate?: string;
}

const REQUIRED_KEYS = [
  'AccountMFAEnabled',
  'AccountAccessKeysPresent',
  'AccountSigningCertificatesPresent',
] as const;

export async function getRootCredentialSummary(
  iam: IAMClient,
  accountId: string,
): Promise<RootCredentialSummary> {
  const out = await awsCall('iam:GetAccountSummary', accountId, () =>
    iam.send(new GetAccountSummaryCommand({})),
  );
  const map = out.SummaryMap ?? {};
  const missing = REQUIRED_KEYS.filter((key) => typeof map[key] !== 'number');
  if (missing.length > 0) {
    throw new CollectError(
      `iam:GetAccountSummary in account ${accountId} returned no ${missing.join(', ')}; cannot judge the root user`,
      { action: 'iam:GetAccountSummary', accountId },
    );
  }
  const summary: RootCredentialSummary = {
    mfaEnabled: map.AccountMFAEnabled === 1,
    accessKeysPresent: map.AccountAccessKeysPresent === 1,
    signingCertificatesPresent: map.AccountSigningCertificatesPresent === 1,
  };
  if (typeof map.AccountPasswordPresent === 'number')
    summary.passwordPresent = map.AccountPasswordPresent === 1;
  return summary;
}

/** True when root holds no password, access key, signing certificate or MFA device (centralized root access). */
export function hasNoRootCredentials(summary: RootCredentialSummary): boolean {
  return (
    summary.passwordPresent === false &&
    !summary.accessKeysPresent &&
    !summary.signingCertificatesPresent &&
    !summary.mfaEnabled
  );
}

/**
 * Virtual MFA devices assigned to the root user, from every page of `iam:ListVirtualMFADevices`.
 * A device belongs to root only when `User.Arn` equals `arn:<partition>:iam::<account>:root` exactly:
 * an IAM user called `root-admin` is not the root user.
 */
export async function listRootVirtualMfaDevices(
  iam: IAMClient,
  partition: Partition,
  accountId: string,
): Promise<RootVirtualMfaDevice[]> {
  const rootArn = rootUserArn(partition, accountId);
  const devices: RootVirtualMfaDevice[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall('iam:ListVirtualMFADevices', accountId, () =>
      iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned', Marker: marker })),
    );
    for (const device of page.VirtualMFADevices ?? []) {
      if (device.User?.Arn === rootArn && device.SerialNumber) {
        devices.push({
          serialNumber: device.SerialNumber,
          ...(device.EnableDate ? { enableDate: new Date(device.EnableDate).toISOString() } : {}),
        });
      }
    }
    // A truncated page without a marker would silently hide devices: refuse rather than guess.
    if (page.IsTruncated && !page.Marker) {
      throw new CollectError(
        `iam:ListVirtualMFADevices in account ${accountId} returned a truncated page without a Marker`,
        { action: 'iam:ListVirtualMFADevices', accountId },
      );
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return devices;
}
