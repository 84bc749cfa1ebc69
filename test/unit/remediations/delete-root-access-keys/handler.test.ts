import {
  DeleteAccessKeyCommand,
  GetLoginProfileCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
} from '@aws-sdk/client-iam';
import { GetAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, AssumeRootCommand } from '@aws-sdk/client-sts';
import { AccessDeniedError } from '../../../../lib/errors';
import { CONFIG } from '../../../../remediations/delete-root-access-keys/config';
import { createDeleteRootAccessKeysHandler } from '../../../../remediations/delete-root-access-keys/handler';
import {
  ApprovalRuleError,
  ExecutionRecordError,
  InvalidStepPayloadError,
} from '../../../../remediations/lib/errors';
import { type DeleteRootHandlerOptions, useDeleteRootHandler } from '../delete-root-handler-cases';
import {
  ALICE,
  AUDIT_POLICY,
  accessDenied,
  BOB,
  DELETE_POLICY,
  decision,
  type ExecutionOptions,
  givenRootHolds,
  KEY_1,
  KEY_2,
  REQUESTER,
  stepPayload,
} from '../root-session-fixtures';

const DELETE_ROOT: DeleteRootHandlerOptions = {
  documentName: CONFIG.defaultDocumentName,
  create: createDeleteRootAccessKeysHandler,
  approvers: [ALICE],
  enabledFeatures: ['RootCredentialsManagement'],
};
const deleteRoot = useDeleteRootHandler(DELETE_ROOT);
const {
  ssm: ssmMock,
  sts: stsMock,
  iam: iamMock,
  givenExecution,
  handler,
  deletedResult,
  expectRootSession,
} = deleteRoot;

beforeEach(() => {
  givenRootHolds(iamMock, { accessKeys: [KEY_1, KEY_2] });
  iamMock.on(DeleteAccessKeyCommand).resolves({});
});

describe('delete-root-access-keys handler', () => {
  it('deletes every root access key after one approval, through an IAMDeleteRootUserCredentials session', async () => {
    const result = await handler()(stepPayload('false'));

    expect(result).toEqual(
      deletedResult({
        deleted: { accessKeys: [KEY_1, KEY_2] },
        wouldDelete: { accessKeys: [] },
        report: [`deleted root access key ${KEY_1} (Active)`, `deleted root access key ${KEY_2} (Inactive)`],
      }),
    );
    expectRootSession(DELETE_POLICY);
    expect(iamMock.commandCalls(DeleteAccessKeyCommand).map((c) => c.args[0].input)).toEqual([
      { AccessKeyId: KEY_1 },
      { AccessKeyId: KEY_2 },
    ]);
    expect(deleteRoot.metrics.recorded.map((m) => m.value)).toEqual([2]);
  });

  it('touches nothing but access keys', async () => {
    await handler()(stepPayload('false'));

    expect(iamMock).not.toHaveReceivedCommand(GetLoginProfileCommand);
    expect(iamMock).not.toHaveReceivedCommand(ListSigningCertificatesCommand);
    expect(iamMock).not.toHaveReceivedCommand(ListMFADevicesCommand);
  });

  describe('dry run', () => {
    it('lists the keys through a read-only session, deletes nothing and reports what it would delete', async () => {
      givenExecution({ dryRun: 'true' });

      const result = await handler()(stepPayload('true'));

      expect(result).toMatchObject({
        status: 'dry-run',
        dryRun: true,
        taskPolicyArn: AUDIT_POLICY,
        deleted: { accessKeys: [] },
        wouldDelete: { accessKeys: [KEY_1, KEY_2] },
        report: [
          `would delete root access key ${KEY_1} (Active)`,
          `would delete root access key ${KEY_2} (Inactive)`,
        ],
        approvers: [],
      });
      expectRootSession(AUDIT_POLICY);
      expect(iamMock).not.toHaveReceivedCommand(DeleteAccessKeyCommand);
      expect(deleteRoot.metrics.recorded).toEqual([]);
    });

    it('needs no approval step in the record', async () => {
      givenExecution({ dryRun: 'true', approvers: [] });

      await expect(handler()(stepPayload('true'))).resolves.toMatchObject({ status: 'dry-run' });
    });

    it("takes a record without DryRun as the document's default, a dry run", async () => {
      givenExecution({ dryRun: null });

      await expect(handler()(stepPayload('true'))).resolves.toMatchObject({ status: 'dry-run' });
      await expect(handler()(stepPayload('false'))).rejects.toThrow(/DryRun differs/);
    });

    it('refuses a payload that asks for a deletion when the execution was started as a dry run', async () => {
      givenExecution({ dryRun: 'true' });

      const run = handler()(stepPayload('false'));

      await expect(run).rejects.toThrow(ExecutionRecordError);
      await expect(run).rejects.toThrow(/DryRun differs between the payload and the record/);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
    });
  });

  it('reports "root already has no access keys" and deletes nothing on a second run', async () => {
    givenRootHolds(iamMock, {});

    const result = await handler()(stepPayload('false'));

    expect(result).toMatchObject({
      status: 'nothing-to-delete',
      deleted: { accessKeys: [] },
      report: ['root already has no access keys'],
    });
    expect(iamMock).not.toHaveReceivedCommand(DeleteAccessKeyCommand);
  });

  /** The execution is refused with `message`: no root session, no key deleted. */
  const refused = (execution: Partial<ExecutionOptions>, message: RegExp) =>
    deleteRoot.refused(execution, ExecutionRecordError, message);

  describe('approval', () => {
    it('is enough with one approver other than the requester', async () => {
      givenExecution({ approvers: [BOB] });

      await expect(handler()(stepPayload('false'))).resolves.toMatchObject({ approvers: [BOB] });
    });

    it("refuses the requester's approval of their own request", async () => {
      givenExecution({ approvers: [REQUESTER] });

      await expect(handler()(stepPayload('false'))).rejects.toThrow(ApprovalRuleError);
      await refused(
        { approvers: [REQUESTER] },
        /1 distinct approvers are required, 0 approved.*not counted: the requester .*carol/,
      );
    });

    it('refuses a rejected approval', async () => {
      await refused(
        { decisions: [decision(ALICE, 'Reject')], approvalStatus: 'Rejected', stepStatus: 'Failed' },
        /ApproveDeletion is Failed/,
      );
    });

    it('refuses an execution whose record has no approval decision', async () => {
      await refused({ approvers: [] }, /1 distinct approvers are required, 0 approved/);
    });
  });

  describe('execution record', () => {
    it.each<[string, Partial<ExecutionOptions>, RegExp]>([
      [
        'another document',
        { documentName: 'RootGuard-DeleteRootCredentials' },
        /runs RootGuard-DeleteRootCredentials, not RootGuard-DeleteRootAccessKeys/,
      ],
      ['a finished execution (a replayed id)', { status: 'Success' }, /is Success, not InProgress/],
      ['another account in the record', { parameters: { AccountId: ['333333333333'] } }, /AccountId differs/],
    ])('refuses %s before any root session', async (_label, options, message) => {
      await refused(options, message);
      expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
    });

    it('rejects a malformed payload before reading anything', async () => {
      const run = handler()(stepPayload('false', { dryRun: 'maybe', accountId: '12345' }));

      await expect(run).rejects.toThrow(InvalidStepPayloadError);
      await expect(run).rejects.toThrow(/accountId: expected a 12-digit AWS account id/);
      expect(ssmMock).not.toHaveReceivedCommand(GetAutomationExecutionCommand);
    });
  });

  describe('centralized root access', () => {
    deleteRoot.rootAccessRefusalCases([], () =>
      expect(iamMock).not.toHaveReceivedCommand(DeleteAccessKeyCommand),
    );

    it('calls with its own role when MANAGEMENT_ROLE_ARN is blank (delegated administrator)', async () => {
      await handler({ managementRoleArn: undefined })(stepPayload('false'));

      expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
      expect(iamMock).toHaveReceivedCommandTimes(DeleteAccessKeyCommand, 2);
    });
  });

  it('fails with a typed error naming iam:DeleteAccessKey when a deletion is denied', async () => {
    iamMock.on(DeleteAccessKeyCommand).rejects(accessDenied('iam:DeleteAccessKey'));

    const run = handler()(stepPayload('false'));

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(/iam:DeleteAccessKey in account 222222222222/);
  });
});

describe('delete-root-access-keys handler, run by AWS Config in the member account', () => {
  deleteRoot.memberRunCases();
});
