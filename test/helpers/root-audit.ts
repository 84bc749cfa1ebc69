/**
 * The root audit session of lib/root-mfa-inventory.ts, mocked at Client#send: the root-audit role, what AssumeRoot
 * hands out, and the root user's devices as ListMFADevices pages them.
 */
import { ListMFADevicesCommand, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRootCommand } from '@aws-sdk/client-sts';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { MANAGEMENT_ACCOUNT, ORG_ID } from './constants';
import { listedDevices } from './mfa-devices';
import { sdkError } from './rejection';

export const AUDIT_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardRootAudit`;
export const AUDIT_POLICY_ARN = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';
export const AUDIT_ROLE_KEY = 'ASIAROOTAUDITROLE001';
export const ROOT_AUDIT_KEY = 'ASIAROOTAUDITSESSION';

/** What sts:AssumeRole and sts:AssumeRoot hand out: short-lived credentials with `AccessKeyId`. */
export const sessionCredentials = (AccessKeyId: string) => ({
  AccessKeyId,
  SecretAccessKey: `${AccessKeyId}-secret`,
  SessionToken: `${AccessKeyId}-token`,
  Expiration: new Date(Date.now() + 60 * 60 * 1000),
});

/** An SDK error as the service would throw it (rejection.ts sdkError), its message made up when none is given. */
export function awsError(name: string, message = `${name} (test)`): Error {
  return sdkError(name, message);
}

// biome-ignore lint/suspicious/noExplicitAny: the stubs of different clients share no type
type Stub = AwsClientStub<any>;

/**
 * A healthy audit path: the audit role and AssumeRoot answer, centralized root access is on, and root's devices
 * are `serials`, split into pages of `pageSize`.
 */
export function givenRootDevices(sts: Stub, iam: Stub, serials: readonly string[], pageSize = 100): void {
  sts.on(AssumeRoleCommand).resolves({ Credentials: sessionCredentials(AUDIT_ROLE_KEY) });
  sts.on(AssumeRootCommand).resolves({ Credentials: sessionCredentials(ROOT_AUDIT_KEY) });
  iam
    .on(ListOrganizationsFeaturesCommand)
    .resolves({ OrganizationId: ORG_ID, EnabledFeatures: ['RootCredentialsManagement', 'RootSessions'] });
  const pages: string[][] = [];
  for (let i = 0; i < serials.length; i += pageSize) pages.push(serials.slice(i, i + pageSize));
  if (pages.length === 0) pages.push([]);
  pages.forEach((page, index) => {
    const marker = index === 0 ? undefined : `page-${index}`;
    const last = index === pages.length - 1;
    iam.on(ListMFADevicesCommand, { Marker: marker }).resolves({
      MFADevices: listedDevices(page),
      IsTruncated: !last,
      ...(last ? {} : { Marker: `page-${index + 1}` }),
    });
  });
}

// Generic to every mocked client; kept importable from here for the root-audit rule tests.
export { signedWith } from './sdk-mocks';
