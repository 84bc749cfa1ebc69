/**
 * Centralized root access, as seen from the caller (the management account role or the IAM delegated
 * administrator): is RootCredentialsManagement enabled, which account is the organization's management account
 * (AssumeRoot never reaches it), and the errors that name what to fix. Part of the delete-root-* flow
 * (root-credentials-handler.ts); the session itself is root-session.ts.
 */
import { type IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AccessDeniedError,
  CollectError,
  errorMessage,
  errorName,
  RootGuardError,
  type RootGuardErrorOptions,
  toCollectError,
} from '../../lib/errors';
import { ENABLE_FEATURE_COMMAND, ROOT_CREDENTIALS_MANAGEMENT } from '../../lib/root-access-features';

/** The feature's one home is lib/root-access-features.ts (the snapshot and root-access-centralized use it too). */
export { ROOT_CREDENTIALS_MANAGEMENT };
export const ENABLE_ROOT_CREDENTIALS_MANAGEMENT = ENABLE_FEATURE_COMMAND[
  ROOT_CREDENTIALS_MANAGEMENT
] as string;

/** The organization has not enabled root credentials management: AssumeRoot cannot delete anything. */
export class CentralizedRootAccessDisabledError extends RootGuardError {
  readonly enabledFeatures: readonly string[];

  constructor(message: string, options: RootGuardErrorOptions & { enabledFeatures?: readonly string[] }) {
    super(message, options);
    this.enabledFeatures = options.enabledFeatures ?? [];
  }
}

/** The target is the organization's management account, which AssumeRoot never reaches. */
export class ManagementAccountTargetError extends RootGuardError {}

/** The caller is in neither the management account nor the IAM delegated administrator account. */
export class NotRootAccessAdministratorError extends RootGuardError {}

function rootAccessDisabled(
  accountId: string,
  why: string,
  options: { enabledFeatures?: readonly string[]; cause?: unknown } = {},
): CentralizedRootAccessDisabledError {
  return new CentralizedRootAccessDisabledError(
    `centralized root access is not enabled: run ${ENABLE_ROOT_CREDENTIALS_MANAGEMENT} from the management ` +
      `account (${why}; nothing in account ${accountId} was changed)`,
    { accountId, ...options },
  );
}

/** Runs a call made with the caller's credentials; AccessDenied names the caller, the usual culprit. */
export async function asCaller<T>(
  action: string,
  accountId: string,
  caller: string,
  fix: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const wrapped = toCollectError(error, action, accountId);
    if (wrapped instanceof AccessDeniedError) {
      throw new AccessDeniedError(
        `${caller} may not call ${action} for account ${accountId}: ${fix} (${errorName(error)}: ${errorMessage(error)})`,
        { action, accountId, cause: error },
      );
    }
    throw wrapped;
  }
}

export interface OrganizationFacts {
  organizationId: string;
  managementAccountId: string;
}

export async function describeOrganization(
  orgs: OrganizationsClient,
  accountId: string,
  caller: string,
): Promise<OrganizationFacts> {
  const action = 'organizations:DescribeOrganization';
  const out = await asCaller(action, accountId, caller, `allow ${caller} ${action}`, () =>
    orgs.send(new DescribeOrganizationCommand({})),
  );
  const org = out.Organization;
  if (!org?.Id || !org.MasterAccountId) {
    throw new CollectError(`${action} returned no organization id or management account id`, {
      action,
      accountId,
    });
  }
  return { organizationId: org.Id, managementAccountId: org.MasterAccountId };
}

/**
 * Requires RootCredentialsManagement among the organization's centralized root access features; returns the
 * enabled features. Trusted access for IAM not enabled, or an organization without all features, also mean
 * "not enabled", each with its own reason.
 */
export async function requireRootCredentialsManagement(
  iam: IAMClient,
  options: { accountId: string; caller: string },
): Promise<string[]> {
  const { accountId, caller } = options;
  const action = 'iam:ListOrganizationsFeatures';
  let features: string[];
  try {
    const out = await iam.send(new ListOrganizationsFeaturesCommand({}));
    features = out.EnabledFeatures ?? [];
  } catch (error) {
    switch (errorName(error)) {
      case 'ServiceAccessNotEnabledException':
        throw rootAccessDisabled(
          accountId,
          'trusted access for IAM in AWS Organizations is not enabled either: first run ' +
            'aws organizations enable-aws-service-access --service-principal iam.amazonaws.com',
          { cause: error },
        );
      case 'OrganizationNotInAllFeaturesModeException':
        throw rootAccessDisabled(accountId, 'the organization must first have all features enabled', {
          cause: error,
        });
      case 'AccountNotManagementOrDelegatedAdministratorException':
        throw new NotRootAccessAdministratorError(
          `${caller} is in neither the management account nor the IAM delegated administrator account, ` +
            'so it cannot use centralized root access: set MANAGEMENT_ROLE_ARN to the management account role ' +
            '(stacksets/management-account.yaml, RootCredentialsRemediationRole)',
          { accountId, cause: error },
        );
      default:
        return asCaller(action, accountId, caller, `allow ${caller} ${action}`, () => Promise.reject(error));
    }
  }
  if (!features.includes(ROOT_CREDENTIALS_MANAGEMENT)) {
    throw rootAccessDisabled(
      accountId,
      `enabled features: ${features.length > 0 ? features.join(', ') : 'none'}`,
      { enabledFeatures: features },
    );
  }
  return features;
}

/** The caller's identity for messages: the management role, or the function's own role. */
export const callerName = (managementRoleArn: string | undefined): string =>
  managementRoleArn ?? "this function's own role";
