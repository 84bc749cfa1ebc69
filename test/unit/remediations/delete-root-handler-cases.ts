/**
 * What both delete-root-* handler tests share, written once: the SDK mocks of an organization with centralized
 * root access (reset before each test), the handler under test with its execution record, the refusals of
 * the root-access checks, and the member-account attack: an administrator of the member account starts the document there and approves it with
 * principals he controls (or changes the document). The Lambda acts with management-account power, so such a
 * run may only file a request in the tooling account.
 */
import { type FeatureType, IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError } from '../../../lib/errors';
import {
  CentralizedRootAccessDisabledError,
  ManagementAccountTargetError,
} from '../../../remediations/lib/root-access';
import type { RootCredentialsConfig } from '../../../remediations/lib/root-credentials-config';
import type {
  RootCredentialsHandler,
  RootCredentialsHandlerDeps,
} from '../../../remediations/lib/root-credentials-handler';
import {
  ALICE_USER,
  BOB_USER,
  expectToolingRequest,
  MEMBER_ADMIN,
  MEMBER_ADMIN_APPROVER,
  REQUEST_EXECUTION_ID,
} from '../../helpers/approvers';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ID, REGION } from '../../helpers/constants';
import { changedDocumentJson, givenDeployedDocuments } from '../../helpers/deployed-documents';
import { type RecordingMetrics, recordingMetrics } from '../../helpers/metrics';
import { useSdkMocks } from '../../helpers/sdk-mocks';
import {
  accessDenied,
  config,
  DELETE_POLICY,
  deletionCalls,
  EXECUTION_ID,
  type ExecutionOptions,
  executionNotFound,
  executionRecord,
  givenRecordIn,
  MANAGEMENT_CREDENTIALS,
  MANAGEMENT_ROLE_ARN,
  NOW,
  ORGANIZATION,
  READER_CREDENTIALS,
  REQUESTER,
  ROOT_SESSION_CREDENTIALS,
  readerRoleArn,
  stepPayload,
} from './root-session-fixtures';

// biome-ignore lint/suspicious/noExplicitAny: any error class, whatever its constructor takes.
type ErrorClass = new (...args: any[]) => Error;

export interface DeleteRootHandlerOptions {
  documentName: string;
  create: (deps: RootCredentialsHandlerDeps) => RootCredentialsHandler;
  /** Who approved the execution record of a healthy run. */
  approvers: string[];
  /** ListOrganizationsFeatures' EnabledFeatures. */
  enabledFeatures: FeatureType[];
}

/**
 * The SDK mocks, reset before each test to a healthy run: the documents as deployed, the execution record in the
 * tooling account approved by `approvers`, the management role and the root session assumable, centralized root
 * access on; the handler under test and the checks both handler tests make of it.
 */
function deleteRootSetup(options: DeleteRootHandlerOptions) {
  const mocks = useSdkMocks({ ssm: SSMClient, sts: STSClient, org: OrganizationsClient, iam: IAMClient });
  const state = { metrics: recordingMetrics() };
  const givenExecution = (execution: Partial<ExecutionOptions> = {}) =>
    mocks.ssm.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: executionRecord({
        documentName: options.documentName,
        approvers: options.approvers,
        ...execution,
      }),
    });

  const handler = (overrides: Partial<RootCredentialsConfig> = {}) =>
    options.create({
      config: config(options.documentName, overrides),
      clientFactory: new ClientFactory({ region: REGION }),
      now: () => NOW,
      metrics: state.metrics,
    });

  beforeEach(() => {
    state.metrics = recordingMetrics();
    givenDeployedDocuments(mocks.ssm);
    givenExecution();
    mocks.sts.on(AssumeRoleCommand).resolves({ Credentials: MANAGEMENT_CREDENTIALS });
    mocks.sts.on(AssumeRootCommand).resolves({ Credentials: ROOT_SESSION_CREDENTIALS });
    mocks.org.on(DescribeOrganizationCommand).resolves({ Organization: ORGANIZATION });
    mocks.iam
      .on(ListOrganizationsFeaturesCommand)
      .resolves({ OrganizationId: ORG_ID, EnabledFeatures: options.enabledFeatures });
  });

  return {
    ...mocks,
    givenExecution,
    /** What the step returns once it deleted: `outcome` (deleted, wouldDelete, report) of a healthy run. */
    deletedResult: (outcome: { deleted: object; wouldDelete: object; report: string[] }) => ({
      route: 'act',
      status: 'deleted',
      accountId: MEMBER_ACCOUNT,
      executionId: EXECUTION_ID,
      dryRun: false,
      taskPolicyArn: DELETE_POLICY,
      ...outcome,
      warnings: [],
      approvers: options.approvers,
      requestedBy: REQUESTER,
      checkedAt: NOW.toISOString(),
    }),
    /** The run of `execution` is refused with `error` and `message`: no root session, nothing deleted. */
    async refused(execution: Partial<ExecutionOptions>, error: ErrorClass, message: RegExp): Promise<void> {
      givenExecution(execution);
      const run = handler()(stepPayload('false'));
      await expect(run).rejects.toThrow(error);
      await expect(run).rejects.toThrow(message);
      expect(mocks.sts).not.toHaveReceivedCommand(AssumeRootCommand);
      expect(deletionCalls(mocks.iam)).toEqual([]);
    },
    /** The one root session was opened on MEMBER_ACCOUNT under `taskPolicyArn`, for the shortest time. */
    expectRootSession: (taskPolicyArn: string) =>
      expect(mocks.sts).toHaveReceivedCommandWith(AssumeRootCommand, {
        TargetPrincipal: MEMBER_ACCOUNT,
        TaskPolicyArn: { arn: taskPolicyArn },
        DurationSeconds: 900,
      }),
    /** What the handler recorded in this test. */
    get metrics(): RecordingMetrics {
      return state.metrics;
    },
    handler,
  };
}

type DeleteRootHandlerSetup = ReturnType<typeof deleteRootSetup>;

/**
 * The SDK mocks, the handler and its checks (deleteRootSetup), and the shared cases, registered for this very
 * handler: `memberRunCases()` and `rootAccessRefusalCases(disabledFeatures, expectNothingDeleted)`. Call at the
 * top of the test file; the file's own beforeEach then describes the root user (givenRootHolds).
 */
export function useDeleteRootHandler(options: DeleteRootHandlerOptions) {
  const setup = deleteRootSetup(options);
  return Object.assign(setup, {
    memberRunCases: () => memberRunCases(options, setup),
    rootAccessRefusalCases: (disabledFeatures: FeatureType[], expectNothingDeleted: () => void) =>
      rootAccessRefusalCases(setup, disabledFeatures, expectNothingDeleted),
  });
}

function memberRunCases(options: DeleteRootHandlerOptions, setup: DeleteRootHandlerSetup): void {
  const { ssm: ssmMock, sts: stsMock, iam: iamMock } = setup;
  const { documentName } = options;
  const readerAssumable = () =>
    stsMock
      .on(AssumeRoleCommand, { RoleArn: readerRoleArn(MEMBER_ACCOUNT) })
      .resolves({ Credentials: READER_CREDENTIALS });
  /** Puts the execution record in the member account (read through the reader role). */
  const inMember = (execution: Partial<ExecutionOptions> = {}) => {
    readerAssumable();
    givenRecordIn(
      ssmMock,
      'member',
      executionRecord({ documentName, approvers: options.approvers, ...execution }),
    );
  };

  it('never deletes for a member-account record its administrator approved: it files a request in the tooling account', async () => {
    inMember({ executedBy: MEMBER_ADMIN, approvers: [MEMBER_ADMIN_APPROVER, ALICE_USER, BOB_USER] });
    ssmMock.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: REQUEST_EXECUTION_ID });

    const result = await setup.handler()(stepPayload('false'));

    expect(result).toEqual({
      status: 'requested',
      route: 'requested',
      accountId: MEMBER_ACCOUNT,
      memberExecutionId: EXECUTION_ID,
      requestExecutionId: REQUEST_EXECUTION_ID,
      message: expect.stringContaining('waits in the security tooling account'),
    });
    expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
    expect(iamMock).not.toHaveReceivedAnyCommand();
    expectToolingRequest(ssmMock, documentName, EXECUTION_ID);
  });

  it('refuses a member-account run of a document changed there (approval taken out), filing nothing', async () => {
    inMember({ executedBy: MEMBER_ADMIN });
    givenDeployedDocuments(ssmMock, changedDocumentJson(documentName));

    await expect(setup.handler()(stepPayload('false'))).rejects.toThrow(
      /is not the document rootguard deployed/,
    );
    expect(ssmMock).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
  });

  it('deletes nothing when the member account does not know the execution either', async () => {
    ssmMock.on(GetAutomationExecutionCommand).rejects(executionNotFound());
    readerAssumable();

    await expect(setup.handler()(stepPayload('false'))).rejects.toThrow(
      /exists neither in this function's account/,
    );
    expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
  });
}

/**
 * The root-access checks before any root session: the management account, centralized root access turned off
 * (`disabledFeatures` left on), and a management role that may not call sts:AssumeRoot. `expectNothingDeleted`
 * says, in the remediation's own terms, that no credential was touched.
 */
function rootAccessRefusalCases(
  setup: DeleteRootHandlerSetup,
  disabledFeatures: FeatureType[],
  expectNothingDeleted: () => void,
): void {
  it('refuses the management account, naming it, with no AssumeRoot', async () => {
    setup.givenExecution({ parameters: { AccountId: [MANAGEMENT_ACCOUNT] } });

    const run = setup.handler()(stepPayload('false', { accountId: MANAGEMENT_ACCOUNT }));

    await expect(run).rejects.toThrow(ManagementAccountTargetError);
    await expect(run).rejects.toThrow(/sts:AssumeRoot only reaches member accounts/);
    expect(setup.sts).not.toHaveReceivedCommand(AssumeRootCommand);
    expectNothingDeleted();
  });

  it('says how to enable centralized root access when it is off, with no AssumeRoot', async () => {
    setup.iam
      .on(ListOrganizationsFeaturesCommand)
      .resolves({ OrganizationId: ORG_ID, EnabledFeatures: disabledFeatures });

    const run = setup.handler()(stepPayload('false'));

    await expect(run).rejects.toThrow(CentralizedRootAccessDisabledError);
    await expect(run).rejects.toThrow(
      /^centralized root access is not enabled: run aws iam enable-organizations-root-credentials-management from the management account/,
    );
    expect(setup.sts).not.toHaveReceivedCommand(AssumeRootCommand);
  });

  it('names the management role when AssumeRoot is denied', async () => {
    setup.sts.on(AssumeRootCommand).rejects(accessDenied('sts:AssumeRoot'));

    const run = setup.handler()(stepPayload('false'));

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(`${MANAGEMENT_ROLE_ARN} may not call sts:AssumeRoot`);
    expectNothingDeleted();
  });
}
