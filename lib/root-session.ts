/**
 * The generic half of an `sts:AssumeRoot` session (centralized root access), shared by the rules that audit a
 * member account's root user (lib/root-mfa-inventory.ts) and the remediations that delete root credentials
 * (remediations/lib/root-session.ts): the task policies, the Regional STS client AssumeRoot requires, and the
 * call itself. The credentials it returns are never logged, cached or put in an error.
 *
 * AWS facts (ARCHITECTURE.md, "AWS facts"): AssumeRoot takes TargetPrincipal (account id), TaskPolicyArn ({arn})
 * and DurationSeconds (0 to 900), is refused on the global STS endpoint and only reaches member accounts. In an
 * AssumeRoot session an omitted UserName means the root user.
 */
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { baseClientConfig } from './clients';
import { CollectError, RootGuardError } from './errors';
import type { Partition } from './partition';

/** The root-task policies rootguard uses: reading root credentials, and deleting them. */
export const ROOT_TASK_POLICIES = {
  audit: 'IAMAuditRootUserCredentials',
  delete: 'IAMDeleteRootUserCredentials',
} as const;
export type RootTask = keyof typeof ROOT_TASK_POLICIES;

/** `arn:<partition>:iam::aws:policy/root-task/<policy>`: AWS managed, so the account field is `aws`. */
export function rootTaskPolicyArn(partition: Partition, task: RootTask): string {
  return `arn:${partition}:iam::aws:policy/root-task/${ROOT_TASK_POLICIES[task]}`;
}

/** The longest root session AssumeRoot grants (15 minutes). */
export const ROOT_SESSION_SECONDS = 900;
/** A real Region: never the `aws-global` pseudo-region, which would send STS calls to the global endpoint. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The Region given for an AssumeRoot session is not a real Region (so the global endpoint would be used). */
export class InvalidRootSessionRegionError extends RootGuardError {}

/**
 * The STS client that calls AssumeRoot: pinned to the Regional endpoint (`sts.<region>.<dns suffix>`), which
 * AssumeRoot requires. SDK v3 already defaults to it; `useGlobalEndpoint: false` keeps it so, and a region that
 * is not a real one (`aws-global`) is refused (`invalidRegion` builds the caller's own error type).
 */
export function rootSessionStsClient(
  region: string,
  credentials?: AwsCredentialIdentity,
  overrides: Record<string, unknown> = {},
  invalidRegion: (message: string) => Error = (message) => new InvalidRootSessionRegionError(message),
): STSClient {
  return new STSClient({
    ...baseClientConfig(region),
    ...overrides,
    ...rootSessionStsConfig(region, credentials, invalidRegion),
  });
}

/**
 * What makes an STS client fit for AssumeRoot, over a client's usual configuration (see rootSessionStsClient): the
 * Region whose Regional endpoint is called (CloudTrail records the call, and EventBridge sees it, in that Region),
 * never the global endpoint.
 */
export function rootSessionStsConfig(
  region: string,
  credentials?: AwsCredentialIdentity,
  invalidRegion: (message: string) => Error = (message) => new InvalidRootSessionRegionError(message),
): Record<string, unknown> {
  if (!REGION_PATTERN.test(region)) {
    throw invalidRegion(`sts:AssumeRoot needs a Regional STS endpoint; ${region} is not an AWS Region`);
  }
  return { region, ...(credentials ? { credentials } : {}), useGlobalEndpoint: false };
}

/**
 * sts:AssumeRoot into `accountId` with one task policy. SDK errors are left to the caller, who knows what to tell
 * the operator; an answer without credentials is a CollectError.
 */
export async function assumeRoot(
  sts: STSClient,
  options: { accountId: string; taskPolicyArn: string; durationSeconds: number },
): Promise<AwsCredentialIdentity> {
  const { accountId, taskPolicyArn, durationSeconds } = options;
  const out = await sts.send(
    new AssumeRootCommand({
      TargetPrincipal: accountId,
      TaskPolicyArn: { arn: taskPolicyArn },
      DurationSeconds: durationSeconds,
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new CollectError(`sts:AssumeRoot for account ${accountId} returned no credentials`, {
      action: 'sts:AssumeRoot',
      accountId,
    });
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}
