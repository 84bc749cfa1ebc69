/**
 * Named values and builders for the delete-root-* tests (remediations/lib/root-*.ts and both handlers):
 * the organization, the management role, what AssumeRoot hands out, the root user's credentials as IAM lists
 * them, and the SSM execution record while a delete-root-* Lambda step runs.
 */
import {
  GetLoginProfileCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import {
  type AutomationExecution,
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  type SSMClient,
  type StepExecution,
} from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RootCredentialsConfig } from '../../../remediations/lib/root-credentials-config';
import {
  ALICE_USER as ALICE,
  approvalSettingsFor,
  BOB_USER as BOB,
  OPERATOR as REQUESTER,
} from '../../helpers/approvers';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  REGION,
  SECURITY_TOOLING_ACCOUNT,
} from '../../helpers/constants';

export const EXECUTION_ID = '7c1f0e2a-5b3d-4e6f-8a9b-0c1d2e3f4a5b';
export const MANAGEMENT_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardRootCredentialsRemediation`;

export const DELETE_POLICY = 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials';
export const AUDIT_POLICY = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';

/** What sts:AssumeRole returns for the management role. */
export const MANAGEMENT_CREDENTIALS = {
  AccessKeyId: 'ASIAMANAGEMENTROLE01',
  SecretAccessKey: 'management-secret',
  SessionToken: 'management-token',
  Expiration: new Date('2026-11-20T10:30:00.000Z'),
};
/** What sts:AssumeRoot returns: credentials of the member account's root user, scoped by the task policy. */
export const ROOT_SESSION_CREDENTIALS = {
  AccessKeyId: 'ASIAROOTSESSION00001',
  SecretAccessKey: 'root-session-secret',
  SessionToken: 'root-session-token',
  Expiration: new Date('2026-11-20T09:45:00.000Z'),
};

export const ORGANIZATION = {
  Id: ORG_ID,
  Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORG_ID}`,
  FeatureSet: 'ALL' as const,
  MasterAccountId: MANAGEMENT_ACCOUNT,
  MasterAccountArn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORG_ID}/${MANAGEMENT_ACCOUNT}`,
};

// The root user's credentials, as IAM lists them inside the root session.
export const KEY_1 = 'AKIAROOTKEY000000001';
export const KEY_2 = 'AKIAROOTKEY000000002';
export const CERT = 'R2D2ROOTSIGNINGCERT000000001';
export const VIRTUAL_MFA = `arn:aws:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`;
export const HARDWARE_MFA = 'GAHT12345678';

export const accessKeys = (...ids: string[]) =>
  ids.map((id, i) => ({
    AccessKeyId: id,
    Status: i === 0 ? ('Active' as const) : ('Inactive' as const),
    CreateDate: new Date('2019-03-01T00:00:00.000Z'),
  }));
export const certificates = (...ids: string[]) =>
  ids.map((id) => ({
    UserName: undefined,
    CertificateId: id,
    CertificateBody: '-----BEGIN CERTIFICATE-----',
    Status: 'Active' as const,
  }));
export const mfaDevices = (...serials: string[]) =>
  serials.map((serial) => ({
    UserName: undefined,
    SerialNumber: serial,
    EnableDate: new Date('2020-01-01T00:00:00.000Z'),
  }));

export const noSuchEntity = () =>
  Object.assign(new Error('The user with name root cannot be found.'), { name: 'NoSuchEntityException' });
export const accessDenied = (action: string) =>
  Object.assign(new Error(`User is not authorized to perform: ${action}`), { name: 'AccessDenied' });

/** What root holds in a test: a console password or not, and the ids IAM lists (one page each). */
export interface RootHoldings {
  password?: boolean;
  accessKeys?: string[];
  certificates?: string[];
  mfaDevices?: string[];
}

/** A password, two access keys, a signing certificate, a virtual and a hardware MFA device. */
export const EVERY_CREDENTIAL: RootHoldings = {
  password: true,
  accessKeys: [KEY_1, KEY_2],
  certificates: [CERT],
  mfaDevices: [VIRTUAL_MFA, HARDWARE_MFA],
};

/** Makes IAM, inside the root session, answer as if root held `held` (no login profile unless `password`). */
export function givenRootHolds(iam: AwsClientStub<IAMClient>, held: RootHoldings): void {
  if (held.password) {
    iam
      .on(GetLoginProfileCommand)
      .resolves({ LoginProfile: { UserName: undefined, CreateDate: new Date() } });
  } else {
    iam.on(GetLoginProfileCommand).rejects(noSuchEntity());
  }
  iam.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: accessKeys(...(held.accessKeys ?? [])) });
  iam
    .on(ListSigningCertificatesCommand)
    .resolves({ Certificates: certificates(...(held.certificates ?? [])) });
  iam.on(ListMFADevicesCommand).resolves({ MFADevices: mfaDevices(...(held.mfaDevices ?? [])) });
}

/** The deletions IAM received, in order, as [call, input]: `['DeleteAccessKey', { AccessKeyId }]`. */
export const deletionCalls = (iam: AwsClientStub<IAMClient>) =>
  iam
    .calls()
    .map((c) => c.args[0])
    .map((command) => [command.constructor.name.replace(/Command$/, ''), command.input])
    .filter(([name]) => /^(Delete|Deactivate)/.test(String(name)));

// Who started and who approved: the suite's operator and allow-listed users (test/helpers/approvers.ts).
export { ALICE, BOB, REQUESTER };
export const APPROVED_AT = new Date('2026-11-20T09:20:00.000Z');
/** The Lambda's clock while the step runs. */
export const NOW = new Date('2026-11-20T09:30:00.000Z');

/** The role stacksets/member-remediation.yaml deploys in every account to read execution records there. */
export const READER_ROLE_NAME = 'RootGuardRemediationReader';
export const readerRoleArn = (accountId: string) => `arn:aws:iam::${accountId}:role/${READER_ROLE_NAME}`;
/** What sts:AssumeRole returns for the reader role in the member account. */
export const READER_CREDENTIALS = {
  AccessKeyId: 'ASIAREADERROLE000001',
  SecretAccessKey: 'reader-secret',
  SessionToken: 'reader-token',
  Expiration: new Date('2099-01-01T00:00:00.000Z'),
};

/** GetAutomationExecution's answer for an execution id this account does not know. */
export const executionNotFound = () =>
  Object.assign(new Error('Automation execution not found'), {
    name: 'AutomationExecutionNotFoundException',
  });

export const config = (
  documentName: string,
  overrides: Partial<RootCredentialsConfig> = {},
): RootCredentialsConfig => ({
  managementRoleArn: MANAGEMENT_ROLE_ARN,
  documentName,
  executionReaderRoleName: READER_ROLE_NAME,
  approvals: approvalSettingsFor(),
  region: REGION,
  ...overrides,
});

/** The Lambda step's Payload after SSM substituted the parameters (every value a string). */
export function stepPayload(dryRun: 'true' | 'false', overrides: Record<string, unknown> = {}) {
  return { executionId: EXECUTION_ID, accountId: MEMBER_ACCOUNT, dryRun, ...overrides };
}

/** One recorded approver decision, as a JSON map. */
export const decision = (approver: string, verdict = 'Approve') =>
  JSON.stringify({ Approver: approver, Decision: verdict, ApprovalDecisionTime: '2026-11-20T09:19:58.000Z' });

export interface ExecutionOptions {
  documentName: string;
  /** DryRun as recorded; null leaves it out of the record (SSM may omit a default). */
  dryRun?: 'true' | 'false' | null;
  /** Approvers whose decision is Approve; ignored when `decisions` is given. */
  approvers?: string[];
  decisions?: string[];
  approvalStatus?: string;
  stepStatus?: StepExecution['StepStatus'];
  status?: AutomationExecution['AutomationExecutionStatus'];
  executedBy?: string;
  parameters?: Record<string, string[]>;
}

/**
 * What GetAutomationExecution returns while a delete-root-* Lambda step runs: after the approval for a
 * deletion, straight after the branch for a dry run.
 */
export function executionRecord(options: ExecutionOptions): AutomationExecution {
  const dryRun = options.dryRun === undefined ? 'false' : options.dryRun;
  const approval: StepExecution = {
    StepName: 'ApproveDeletion',
    Action: 'aws:approve',
    StepStatus: options.stepStatus ?? 'Success',
    ExecutionEndTime: APPROVED_AT,
    Outputs: {
      ApprovalStatus: [options.approvalStatus ?? 'Approved'],
      ApproverDecisions: options.decisions ?? (options.approvers ?? [ALICE, BOB]).map((a) => decision(a)),
    },
  };
  const branch: StepExecution = {
    StepName: 'ChooseDryRunOrDeletion',
    Action: 'aws:branch',
    StepStatus: 'Success',
  };
  const running: StepExecution = {
    StepName: 'LambdaStep',
    Action: 'aws:invokeLambdaFunction',
    StepStatus: 'InProgress',
  };
  return {
    AutomationExecutionId: EXECUTION_ID,
    DocumentName: options.documentName,
    DocumentVersion: '1',
    AutomationExecutionStatus: options.status ?? 'InProgress',
    ExecutedBy: options.executedBy ?? REQUESTER,
    Parameters: {
      AutomationAssumeRole: [`arn:aws:iam::${SECURITY_TOOLING_ACCOUNT}:role/RootGuardAutomation`],
      AccountId: [MEMBER_ACCOUNT],
      ...(dryRun === null ? {} : { DryRun: [dryRun] }),
      Approvers: [ALICE, BOB],
      ApprovalNotificationArn: [`arn:aws:sns:${REGION}:${SECURITY_TOOLING_ACCOUNT}:AutomationRootGuard`],
      ...options.parameters,
    },
    StepExecutions: dryRun === 'true' ? [branch, running] : [branch, approval, running],
  };
}

/** The access key id a mocked SSM call was signed with: the reader role's, or the function's own. */
async function signedByReader(getClient: () => unknown): Promise<boolean> {
  const client = getClient() as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
  return (await client.config.credentials()).accessKeyId === READER_CREDENTIALS.AccessKeyId;
}

/**
 * Puts `record` where the execution ran: `local` (the document started in the security tooling account, this
 * function's own account) or `member` (a Config remediation in the member account: only the reader role's
 * credentials find it; the function's own get AutomationExecutionNotFoundException). DescribeAutomationStepExecutions
 * answers with `steps` the same way.
 */
export function givenRecordIn(
  ssmMock: AwsClientStub<SSMClient>,
  where: 'local' | 'member',
  record: AutomationExecution,
  steps: StepExecution[] = [],
): void {
  const found = async (getClient: () => unknown) =>
    (await signedByReader(getClient)) === (where === 'member');
  ssmMock.on(GetAutomationExecutionCommand).callsFake(async (_input, getClient) => {
    if (await found(getClient)) return { AutomationExecution: record };
    throw executionNotFound();
  });
  ssmMock.on(DescribeAutomationStepExecutionsCommand).callsFake(async (_input, getClient) => {
    if (await found(getClient)) return { StepExecutions: steps };
    throw executionNotFound();
  });
}
