/**
 * Centralized root access for the delete-root-* remediations: an `sts:AssumeRoot` session in a member account,
 * what the root user holds there, what removing it takes, and the Lambda step both documents run.
 *
 *   step payload (executionId, accountId, dryRun) ─invalid─▶ throw InvalidStepPayloadError
 *     │
 *   ssm:GetAutomationExecution: the record, not the payload, is the evidence; in this function's account (a run
 *     started there by hand), else in the member account through EXECUTION_READER_ROLE_NAME (a Config remediation)
 *     ├─ another document, not running, AccountId or DryRun differ       ─▶ throw ExecutionRecordError
 *     └─ deletion: approval step not Success/Approved, too few approvers  ─▶ throw ApprovalRuleError
 *     │                                       (the requester never counts; nothing is touched before this)
 *   caller: MANAGEMENT_ROLE_ARN set ─▶ sts:AssumeRole into the management account (or IAM delegated admin)
 *           blank                   ─▶ the function's own role (the tooling account is the delegated admin)
 *     │
 *   organizations:DescribeOrganization ─ target is MasterAccountId ─▶ throw ManagementAccountTargetError
 *   iam:ListOrganizationsFeatures ─ no RootCredentialsManagement    ─▶ throw CentralizedRootAccessDisabledError
 *   sts:AssumeRoot, Regional endpoint, 900 s, task policy: IAMAuditRootUserCredentials for a dry run,
 *                  IAMDeleteRootUserCredentials for a deletion  ─ denied ─▶ throw AccessDeniedError naming the role
 *     │
 *   IAM as the member account's root user (no UserName: the caller, root)
 *   list (GetLoginProfile, ListAccessKeys, ListSigningCertificates, ListMFADevices: only the kinds in scope)
 *     → plan (pure) → dry run: report it │ deletion: one credential at a time, MFA last
 *
 * A second run finds nothing left and reports "root already has no ...": every step is safe to repeat.
 *
 * AWS facts this relies on (AWS API references): AssumeRoot takes TargetPrincipal (account id), TaskPolicyArn
 * ({arn}) and DurationSeconds (at most 900), is refused on the global STS endpoint and only reaches member
 * accounts; the task policy IAMDeleteRootUserCredentials allows GetLoginProfile, DeleteLoginProfile,
 * ListAccessKeys, DeleteAccessKey, ListSigningCertificates, DeleteSigningCertificate, ListMFADevices,
 * DeactivateMFADevice and DeleteVirtualMFADevice (and GetUser, GetAccessKeyLastUsed); IAMAuditRootUserCredentials
 * the reads only. In an AssumeRoot session an omitted UserName means the root user.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteSigningCertificateCommand,
  DeleteVirtualMFADeviceCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListOrganizationsFeaturesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import * as z from 'zod';
import { baseClientConfig, ClientFactory } from '../../lib/clients';
import {
  AccessDeniedError,
  awsCall,
  CollectError,
  errorMessage,
  errorName,
  RootGuardError,
  type RootGuardErrorOptions,
  toCollectError,
} from '../../lib/errors';
import { metrics as defaultMetrics, logger } from '../../lib/logger';
import { type Partition, partitionForRegion, partitionFromArn } from '../../lib/partition';
import { DEFAULT_EXECUTION_READER_ROLE_NAME, stepVerifier } from './automation-execution';
import {
  type ApprovalSettings,
  approvalSettings,
  approvalSettingsSchema,
  documentNameVariable,
  executionReaderRoleNameVariable,
  requiredVariable,
  roleArnVariable,
  variableProblems,
} from './env';
import { InvalidRemediationConfigError } from './errors';
import { type FiledRequest, fileToolingRequest, startedBy } from './member-request';
import { documentName, documentNameEnvVar } from './names';
import { type RemediationMetrics, recordRefusal } from './refusals';
import { accountIdField, booleanField, executionIdField, parseStepPayload } from './step-payload';

// ---------------------------------------------------------------------------------------------------------
// Task policies and limits
// ---------------------------------------------------------------------------------------------------------

/** The two root-task policies rootguard uses: reading root credentials, and deleting them. */
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
/** The centralized root access feature that lets the management account manage member root credentials. */
export const ROOT_CREDENTIALS_MANAGEMENT = 'RootCredentialsManagement';
export const ENABLE_ROOT_CREDENTIALS_MANAGEMENT = 'aws iam enable-organizations-root-credentials-management';
/** A real Region: never the `aws-global` pseudo-region, which would send STS calls to the global endpoint. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

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
async function asCaller<T>(
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

// ---------------------------------------------------------------------------------------------------------
// Configuration (environment of the delete-root-* Lambdas)
// ---------------------------------------------------------------------------------------------------------

export interface RootCredentialsConfig {
  /**
   * The role in the management account (or IAM delegated administrator) allowed iam:ListOrganizationsFeatures,
   * organizations:DescribeOrganization and sts:AssumeRoot with the root-task policies. Undefined: the
   * function's own role calls directly (the tooling account is the IAM delegated administrator).
   */
  managementRoleArn: string | undefined;
  /** Only executions of this document may run the step. */
  documentName: string;
  /**
   * The role in a member account that reads an execution record there (stacksets/member-remediation.yaml),
   * assumed when the record is not in this function's account: the document ran as a Config remediation.
   */
  executionReaderRoleName: string;
  /** The approver allow-list, and what a member-account run needs to file its request here. */
  approvals: ApprovalSettings;
  region: string;
}

const envSchema = approvalSettingsSchema.extend({
  MANAGEMENT_ROLE_ARN: roleArnVariable,
  EXECUTION_READER_ROLE_NAME: executionReaderRoleNameVariable,
  AWS_REGION: requiredVariable().regex(REGION_PATTERN, 'expected an AWS Region'),
});

/** Reads and validates the environment once, at cold start; every bad variable is named in one error. */
export function loadRootCredentialsConfig(
  env: NodeJS.ProcessEnv,
  options: { remediation: string; documentNameVariable: string; defaultDocumentName: string },
): RootCredentialsConfig {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) problems.push(...variableProblems(parsed.error));
  const name = documentNameVariable.safeParse(env[options.documentNameVariable]);
  if (!name.success)
    problems.push(...name.error.issues.map((i) => `${options.documentNameVariable}: ${i.message}`));
  if (parsed.success) {
    const { MANAGEMENT_ROLE_ARN: role, AWS_REGION: region } = parsed.data;
    if (role && partitionFromArn(role) !== partitionForRegion(region)) {
      problems.push(
        `MANAGEMENT_ROLE_ARN: is in partition ${partitionFromArn(role)}, the function in ${region}`,
      );
    }
  }
  if (!parsed.success || !name.success || problems.length > 0) {
    throw new InvalidRemediationConfigError(
      `${options.remediation} is misconfigured: ${problems.join('; ')}`,
    );
  }
  return {
    managementRoleArn: parsed.data.MANAGEMENT_ROLE_ARN,
    documentName: name.data ?? options.defaultDocumentName,
    executionReaderRoleName: parsed.data.EXECUTION_READER_ROLE_NAME ?? DEFAULT_EXECUTION_READER_ROLE_NAME,
    approvals: approvalSettings(parsed.data),
    region: parsed.data.AWS_REGION,
  };
}

/**
 * A delete-root-* remediation's configuration names, all following from its folder, and its loader:
 * the document `RootGuard-<Folder>`, overridable through `<FOLDER>_DOCUMENT_NAME`.
 */
export function rootCredentialsRemediationConfig<F extends string>(folder: F) {
  const options = {
    remediation: folder,
    documentNameVariable: documentNameEnvVar(folder),
    defaultDocumentName: documentName(folder),
  };
  return {
    folder,
    defaultDocumentName: options.defaultDocumentName,
    documentNameVariable: options.documentNameVariable,
    load: (env: NodeJS.ProcessEnv = process.env): RootCredentialsConfig =>
      loadRootCredentialsConfig(env, options),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Opening the root session
// ---------------------------------------------------------------------------------------------------------

/**
 * The STS client that calls AssumeRoot: pinned to the Regional endpoint (`sts.<region>.<dns suffix>`), which
 * AssumeRoot requires. SDK v3 already defaults to it; `useGlobalEndpoint: false` keeps it so, and a region that
 * is not a real one (`aws-global`) is refused rather than resolved to the global endpoint.
 */
export function rootSessionStsClient(
  region: string,
  credentials?: AwsCredentialIdentity,
  overrides: Record<string, unknown> = {},
): STSClient {
  if (!REGION_PATTERN.test(region)) {
    throw new InvalidRemediationConfigError(
      `sts:AssumeRoot needs a Regional STS endpoint; ${region} is not an AWS Region`,
    );
  }
  return new STSClient({
    ...baseClientConfig(region),
    ...overrides,
    ...(credentials ? { credentials } : {}),
    useGlobalEndpoint: false,
  });
}

export interface OrganizationFacts {
  organizationId: string;
  managementAccountId: string;
}

async function describeOrganization(
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

/** sts:AssumeRoot into `accountId` with one task policy, for the longest session AWS allows (900 s). */
export async function assumeRoot(
  sts: STSClient,
  options: { accountId: string; taskPolicyArn: string; caller: string },
): Promise<AwsCredentialIdentity> {
  const { accountId, taskPolicyArn, caller } = options;
  const action = 'sts:AssumeRoot';
  const out = await asCaller(
    action,
    accountId,
    caller,
    `allow it ${action} on the member accounts' root users with sts:TaskPolicyArn ${taskPolicyArn} ` +
      '(stacksets/management-account.yaml, RootCredentialsRemediationRole), and check that no SCP denies it',
    () =>
      sts.send(
        new AssumeRootCommand({
          TargetPrincipal: accountId,
          TaskPolicyArn: { arn: taskPolicyArn },
          DurationSeconds: ROOT_SESSION_SECONDS,
        }),
      ),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new CollectError(`${action} for account ${accountId} returned no credentials`, {
      action,
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

/** The caller's identity for messages: the management role, or the function's own role. */
export const callerName = (managementRoleArn: string | undefined): string =>
  managementRoleArn ?? "this function's own role";

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
  // Built here, not through the factory: a root session is never memoised beyond this invocation.
  const iam = new IAMClient({
    ...baseClientConfig(region),
    ...factory.options.overrides,
    credentials: rootCredentials,
  });
  return { ...org, accountId, partition, task, taskPolicyArn, iam, expiresAt: rootCredentials.expiration };
}

// ---------------------------------------------------------------------------------------------------------
// What the root user holds (read inside the root session)
// ---------------------------------------------------------------------------------------------------------

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

/** virtual: an authenticator app (serial = `arn:…:mfa/…`); security-key: FIDO (`arn:…:u2f/…`); else hardware TOTP. */
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
  if (/^arn:aws(-cn|-us-gov)?:iam::\d{12}:mfa\//.test(serialNumber)) return 'virtual';
  if (/^arn:aws(-cn|-us-gov)?:iam::\d{12}:u2f\//.test(serialNumber)) return 'security-key';
  return 'hardware';
}

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
      if (errorName(error) !== 'NoSuchEntityException' && errorName(error) !== 'NoSuchEntity') {
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

// ---------------------------------------------------------------------------------------------------------
// The plan (pure: inventory → actions → report)
// ---------------------------------------------------------------------------------------------------------

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

/** What removing everything in `inventory` that falls in `scope` takes: keys, certificates, password, MFA. */
export function planRootCredentialDeletion(
  inventory: RootCredentialInventory,
  scope: readonly RootCredentialKind[],
): RootCredentialAction[] {
  const actions: RootCredentialAction[] = [];
  for (const kind of inRemovalOrder(scope)) {
    switch (kind) {
      case 'accessKeys':
        for (const k of inventory.accessKeys ?? []) {
          actions.push({
            kind,
            id: k.accessKeyId,
            calls: ['iam:DeleteAccessKey'],
            label: `access key ${k.accessKeyId} (${k.status})`,
          });
        }
        break;
      case 'signingCertificates':
        for (const c of inventory.signingCertificates ?? []) {
          actions.push({
            kind,
            id: c.certificateId,
            calls: ['iam:DeleteSigningCertificate'],
            label: `signing certificate ${c.certificateId} (${c.status})`,
          });
        }
        break;
      case 'password':
        if (inventory.password) {
          actions.push({
            kind,
            id: 'password',
            calls: ['iam:DeleteLoginProfile'],
            label: 'console password',
          });
        }
        break;
      case 'mfaDevices':
        for (const d of inventory.mfaDevices ?? []) {
          // A virtual device outlives its deactivation as an unassigned device: delete it too. A hardware
          // token or security key only needs deactivating.
          const calls: RootCredentialCall[] =
            d.type === 'virtual'
              ? ['iam:DeactivateMFADevice', 'iam:DeleteVirtualMFADevice']
              : ['iam:DeactivateMFADevice'];
          const label = { virtual: 'virtual', 'security-key': 'security key', hardware: 'hardware' }[d.type];
          actions.push({ kind, id: d.serialNumber, calls, label: `${label} MFA device ${d.serialNumber}` });
        }
        break;
    }
  }
  return actions;
}

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

// ---------------------------------------------------------------------------------------------------------
// Deleting (inside a session with IAMDeleteRootUserCredentials)
// ---------------------------------------------------------------------------------------------------------

const isNoSuchEntity = (error: unknown) =>
  errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity';

function callFor(call: RootCredentialCall, id: string) {
  switch (call) {
    case 'iam:DeleteAccessKey':
      return new DeleteAccessKeyCommand({ AccessKeyId: id });
    case 'iam:DeleteSigningCertificate':
      return new DeleteSigningCertificateCommand({ CertificateId: id });
    case 'iam:DeleteLoginProfile':
      return new DeleteLoginProfileCommand({});
    case 'iam:DeactivateMFADevice':
      return new DeactivateMFADeviceCommand({ SerialNumber: id });
    case 'iam:DeleteVirtualMFADevice':
      return new DeleteVirtualMFADeviceCommand({ SerialNumber: id });
  }
}

export interface DeletionOutcome {
  /** Removed by this run. */
  done: RootCredentialAction[];
  /** Gone before this run reached them (another run, or a person): NoSuchEntity on the first call. */
  gone: RootCredentialAction[];
  /** Removed as credentials, with a loose end (a deactivated virtual device that could not be deleted). */
  warnings: string[];
}

/**
 * Carries out the plan, one credential at a time, in plan order. A failure stops the run and the error says
 * what was already removed; running again picks up where it stopped.
 */
export async function deleteRootCredentials(
  iam: IAMClient,
  plan: readonly RootCredentialAction[],
  accountId: string,
): Promise<DeletionOutcome> {
  const outcome: DeletionOutcome = { done: [], gone: [], warnings: [] };
  for (const action of plan) {
    for (const [i, call] of action.calls.entries()) {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: each call is a different IAM command type.
        await iam.send(callFor(call, action.id) as any);
      } catch (error) {
        if (i === 0 && isNoSuchEntity(error)) {
          outcome.gone.push(action);
          break;
        }
        if (call === 'iam:DeleteVirtualMFADevice') {
          // The device is no longer root's (deactivated); only an unassigned device is left behind.
          outcome.warnings.push(
            `root ${action.label} was deactivated but could not be deleted (${errorName(error)}): ` +
              'delete the unassigned virtual MFA device in the account',
          );
          outcome.done.push(action);
          break;
        }
        const wrapped = toCollectError(error, call, accountId);
        const removed = outcome.done.map((a) => a.label);
        const Typed = wrapped.constructor as typeof CollectError;
        throw new Typed(
          `${wrapped.message}; root ${action.label} was not removed` +
            (removed.length > 0 ? `; removed before the failure: ${removed.join(', ')}` : '') +
            '. Running again removes what is left',
          { action: call, accountId, cause: error },
        );
      }
      if (i === action.calls.length - 1) outcome.done.push(action);
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------------------
// The Lambda step both delete-root-* documents run
// ---------------------------------------------------------------------------------------------------------

export const rootCredentialsPayloadSchema = z.object({
  executionId: executionIdField,
  accountId: accountIdField,
  dryRun: booleanField,
});
export type RootCredentialsPayload = z.output<typeof rootCredentialsPayloadSchema>;

export interface RootCredentialsRemediation {
  /** The remediation folder, e.g. `delete-root-access-keys`. */
  folder: string;
  scope: readonly RootCredentialKind[];
  /** The document's aws:approve step and the distinct approvers (requester excluded) a deletion needs. */
  approvalStep: string;
  requiredApprovers: number;
  /** The document's DryRun default: what a record without a DryRun value means. */
  defaultDryRun: boolean;
}

export interface RootCredentialsResult {
  /** deleted: this run removed something; nothing-to-delete: root held nothing in scope; dry-run: reported only. */
  status: 'deleted' | 'nothing-to-delete' | 'dry-run';
  /** The member document's branch goes on only with route act (a tooling-account record). */
  route: 'act';
  accountId: string;
  executionId: string;
  dryRun: boolean;
  /** The task policy of the root session this run used. */
  taskPolicyArn: string;
  deleted: RootCredentialSet;
  wouldDelete: RootCredentialSet;
  /** One line per credential, as the report of the step. */
  report: string[];
  warnings: string[];
  /** Distinct approvers other than the requester (empty for a dry run, which needs no approval). */
  approvers: string[];
  requestedBy: string | undefined;
  checkedAt: string;
}

export type { RemediationMetrics } from './refusals';

export interface RootCredentialsHandlerDeps {
  config: RootCredentialsConfig;
  /** Default: one ClientFactory for the function's region, reused while the Lambda stays warm. */
  clientFactory?: ClientFactory;
  now?: () => Date;
  metrics?: RemediationMetrics;
}

export type RootCredentialsHandler = (event: unknown) => Promise<RootCredentialsResult | FiledRequest>;

export function createRootCredentialsHandler(
  remediation: RootCredentialsRemediation,
  deps: RootCredentialsHandlerDeps,
): RootCredentialsHandler {
  const { config } = deps;
  const factory = deps.clientFactory ?? new ClientFactory({ region: config.region });
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? defaultMetrics;
  const verifyStep = stepVerifier({
    factory,
    folder: remediation.folder,
    executionReaderRoleName: config.executionReaderRoleName,
    documentName: config.documentName,
    allowList: config.approvals.allowList,
  });
  const { scope } = remediation;

  /**
   * Checks the record backs this step. The report step runs first in every execution, whatever DryRun says, and
   * only reads: it needs the record but no approval. A deletion needs DryRun false recorded and enough
   * allow-listed people other than the requester.
   */
  async function authorised(payload: RootCredentialsPayload) {
    if (payload.dryRun) return verifyStep(payload, { parameters: {} });
    return verifyStep(payload, {
      parameters: { DryRun: { value: 'false', whenOmitted: String(remediation.defaultDryRun) } },
      approval: { stepName: remediation.approvalStep, minApprovers: remediation.requiredApprovers },
    });
  }

  return async (event) => {
    try {
      const payload = parseStepPayload(rootCredentialsPayloadSchema, event, `${config.documentName} step`);
      const { executionId, accountId, dryRun } = payload;
      logger.appendKeys({ accountId, executionId, remediation: remediation.folder });
      const checked = await authorised(payload);
      if (checked.where === 'member') {
        // A member-account run only asks (member-request.ts): no root session is opened for it.
        const filed = await fileToolingRequest(factory.client(SSMClient), config.approvals, {
          documentName: config.documentName,
          accountId,
          memberExecutionId: executionId,
        });
        logger.info('Member-account run: request filed', {
          requestExecutionId: filed.requestExecutionId,
          startedBy: startedBy(checked.requestedBy),
        });
        return filed;
      }
      const { approvers, requestedBy } = checked;

      const session = await openRootSession({
        factory,
        managementRoleArn: config.managementRoleArn,
        accountId,
        // A dry run only reads: it never holds a session that could delete.
        task: dryRun ? 'audit' : 'delete',
        sessionName: `rootguard-${remediation.folder}`,
      });
      const inventory = await listRootCredentials(session.iam, scope, accountId);
      const plan = planRootCredentialDeletion(inventory, scope);
      const base = {
        route: 'act' as const,
        accountId,
        executionId,
        dryRun,
        taskPolicyArn: session.taskPolicyArn,
        approvers,
        requestedBy,
        checkedAt: now().toISOString(),
      };

      if (dryRun) {
        const report = reportLines(scope, plan, true);
        logger.info('Dry run: root credentials reported, nothing deleted', { report });
        return {
          ...base,
          status: 'dry-run',
          deleted: credentialSet(scope, []),
          wouldDelete: credentialSet(scope, plan),
          report,
          warnings: [],
        };
      }

      const outcome = await deleteRootCredentials(session.iam, plan, accountId);
      const report = [
        ...reportLines(scope, outcome.done, false),
        ...outcome.gone.map((a) => `root ${a.label} was already gone`),
      ];
      if (outcome.done.length > 0) {
        metrics.addMetric('RootCredentialsDeleted', MetricUnit.Count, outcome.done.length);
      }
      logger.info('Root credentials removed', { report, warnings: outcome.warnings, approvers, requestedBy });
      return {
        ...base,
        status: outcome.done.length > 0 ? 'deleted' : 'nothing-to-delete',
        deleted: credentialSet(scope, outcome.done),
        wouldDelete: credentialSet(scope, []),
        report,
        warnings: outcome.warnings,
      };
    } catch (error) {
      if (!recordRefusal(error, metrics, remediation.folder))
        logger.error('Root credentials not removed', { error: errorMessage(error) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
      logger.removeKeys(['accountId', 'executionId', 'remediation']);
    }
  };
}
