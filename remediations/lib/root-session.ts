/**
 * An `sts:AssumeRoot` session in a member account: the task policy (audit or delete), the Regional STS client
 * AssumeRoot requires, and openRootSession, which checks centralized root access first (root-access.ts) and hands
 * back IAM as that account's root user, limited to the task policy.
 *
 * AWS facts this relies on (AWS API references): AssumeRoot takes TargetPrincipal (account id), TaskPolicyArn
 * ({arn}) and DurationSeconds (at most 900), is refused on the global STS endpoint and only reaches member
 * accounts. In an AssumeRoot session an omitted UserName means the root user.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { ClientFactory } from '../../lib/clients';
import { type Partition, partitionForRegion } from '../../lib/partition';
import {
  assumeRoot as assumeRootSession,
  ROOT_SESSION_SECONDS,
  type RootTask,
  rootSessionStsClient as regionalStsClient,
  rootTaskPolicyArn,
} from '../../lib/root-session';
import { InvalidRemediationConfigError } from './errors';
import {
  asCaller,
  callerName,
  describeOrganization,
  ManagementAccountTargetError,
  type OrganizationFacts,
  requireRootCredentialsManagement,
} from './root-access';

/** lib's Regional STS client; a bad Region is a remediation configuration error here. */
export function rootSessionStsClient(
  region: string,
  credentials?: AwsCredentialIdentity,
  overrides: Record<string, unknown> = {},
): STSClient {
  return regionalStsClient(
    region,
    credentials,
    overrides,
    (message) => new InvalidRemediationConfigError(message),
  );
}

/** sts:AssumeRoot into `accountId` with one task policy, for the longest session AWS allows (900 s). */
async function assumeRoot(
  sts: STSClient,
  options: { accountId: string; taskPolicyArn: string; caller: string },
): Promise<AwsCredentialIdentity> {
  const { accountId, taskPolicyArn, caller } = options;
  const action = 'sts:AssumeRoot';
  return asCaller(
    action,
    accountId,
    caller,
    `allow it ${action} on the member accounts' root users with sts:TaskPolicyArn ${taskPolicyArn} ` +
      '(stacksets/management-account.yaml, RootCredentialsRemediationRole), and check that no SCP denies it',
    () => assumeRootSession(sts, { accountId, taskPolicyArn, durationSeconds: ROOT_SESSION_SECONDS }),
  );
}

export interface RootSessionRequest {
  factory: ClientFactory;
  /** Undefined: the function's own credentials (the tooling account is the IAM delegated administrator). */
  managementRoleArn: string | undefined;
  accountId: string;
  task: RootTask;
  /** Names the management-role session in CloudTrail. */
  sessionName: string;
}

export interface RootSession extends OrganizationFacts {
  accountId: string;
  partition: Partition;
  task: RootTask;
  taskPolicyArn: string;
  /** IAM as the member account's root user, limited to the task policy. Never cached or logged. */
  iam: IAMClient;
  expiresAt: Date | undefined;
}

/** Opens a root session in a member account (see the header for each refusal). */
export async function openRootSession(request: RootSessionRequest): Promise<RootSession> {
  const { factory, managementRoleArn, accountId, task } = request;
  const region = factory.region;
  const partition = partitionForRegion(region);
  const caller = callerName(managementRoleArn);
  const credentials = managementRoleArn
    ? await factory.assumeRole(managementRoleArn, request.sessionName, managementRoleArn.split(':')[4])
    : undefined;

  const org = await describeOrganization(
    factory.client(OrganizationsClient, { credentials }),
    accountId,
    caller,
  );
  if (org.managementAccountId === accountId) {
    throw new ManagementAccountTargetError(
      `account ${accountId} is the management account of organization ${org.organizationId}: sts:AssumeRoot ` +
        'only reaches member accounts, so rootguard cannot remove its root credentials. Secure that root user ' +
        'by hand (hardware MFA, no access keys) and keep it watched',
      { accountId },
    );
  }
  await requireRootCredentialsManagement(factory.client(IAMClient, { credentials }), { accountId, caller });

  const taskPolicyArn = rootTaskPolicyArn(partition, task);
  const sts = rootSessionStsClient(region, credentials, factory.options.overrides);
  const rootCredentials = await assumeRoot(sts, { accountId, taskPolicyArn, caller });
  // Unshared: a root session is never memoised beyond this invocation.
  const iam = factory.unshared(IAMClient, { credentials: rootCredentials });
  return { ...org, accountId, partition, task, taskPolicyArn, iam, expiresAt: rootCredentials.expiration };
}
