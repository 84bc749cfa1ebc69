/**
 * Reads of the root user's credentials that several rules share. These are the only IAM calls that
 * judge root; they return plain facts. A summary key that is missing is an error, never a silent 0.
 */
import { GetAccountSummaryCommand, type IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { awsCall, awsPages, CollectError } from './errors';
import { type Partition, rootUserArn } from './partition';
import type { RootCredentialSummary, RootVirtualMfaDevice } from './root-credentials';

export type { RootCredentialSummary, RootVirtualMfaDevice } from './root-credentials';
export { hasNoRootCredentials } from './root-credentials';

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
  const action = 'iam:ListVirtualMFADevices';
  for await (const page of awsPages(
    action,
    accountId,
    (Marker) => iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned', Marker })),
    nextMarker(action, accountId),
  )) {
    for (const device of page.VirtualMFADevices ?? []) {
      if (device.User?.Arn === rootArn && device.SerialNumber) {
        devices.push({
          serialNumber: device.SerialNumber,
          ...(device.EnableDate ? { enableDate: new Date(device.EnableDate).toISOString() } : {}),
        });
      }
    }
  }
  return devices;
}

/**
 * The Marker of the page after `page` of an IAM list (awsPages' `next`), none after the last. A truncated page
 * without a Marker would silently hide the rest: refused rather than guessed.
 */
export const nextMarker =
  (action: string, accountId: string) =>
  (page: { IsTruncated?: boolean; Marker?: string }): string | undefined => {
    if (page.IsTruncated && !page.Marker) {
      throw new CollectError(`${action} in account ${accountId} returned a truncated page without a Marker`, {
        action,
        accountId,
      });
    }
    return page.IsTruncated ? page.Marker : undefined;
  };
