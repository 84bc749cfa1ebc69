/** Root credential facts and ListVirtualMFADevices entries for the IAM-based root rules. */
import type { VirtualMFADevice } from '@aws-sdk/client-iam';
import type { RootCredentialSummary } from '../../lib/root-credentials';
import { rootArn, userArn } from './constants';
import type { RootSummaryOptions } from './summary';

/** The facts getRootCredentialSummary reads from `summaryMap(options)` (same defaults: MFA and password on). */
export function rootSummary(options: RootSummaryOptions = {}): RootCredentialSummary {
  return {
    mfaEnabled: options.mfa !== false,
    accessKeysPresent: options.accessKeys === true,
    signingCertificatesPresent: options.signingCertificates === true,
    passwordPresent: options.password !== false,
  };
}

export const VIRTUAL_MFA_ENABLE_DATE = '2025-03-04T10:00:00.000Z';

/** The serial (device ARN) IAM gives the root user's virtual MFA device. */
export const rootVirtualMfaSerial = (accountId: string, partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:mfa/root-account-mfa-device`;

/** A virtual MFA device assigned to the principal `arn`, as ListVirtualMFADevices returns it. */
function virtualMfaDevice(
  serialNumber: string,
  arn: string,
  userName: string,
  userId: string,
): VirtualMFADevice {
  return {
    SerialNumber: serialNumber,
    User: {
      Arn: arn,
      UserName: userName,
      UserId: userId,
      Path: '/',
      CreateDate: new Date(VIRTUAL_MFA_ENABLE_DATE),
    },
    EnableDate: new Date(VIRTUAL_MFA_ENABLE_DATE),
  };
}

/** The root user's virtual MFA device; `arnPartition` lets a test put a device under another partition's ARN. */
export function rootVirtualMfaDevice(accountId: string, partition = 'aws', arnPartition = partition) {
  return virtualMfaDevice(
    rootVirtualMfaSerial(accountId, partition),
    rootArn(accountId, arnPartition),
    '',
    accountId,
  );
}

/** An IAM user's virtual MFA device (e.g. a user named `root-admin`, who is not the root user). */
export function userVirtualMfaDevice(accountId: string, name: string, partition = 'aws') {
  return virtualMfaDevice(
    `arn:${partition}:iam::${accountId}:mfa/${name}`,
    userArn(accountId, name, partition),
    name,
    'AIDAEXAMPLEUSERID',
  );
}
