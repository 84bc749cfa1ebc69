/**
 * The member-account attack on both delete-root-* Lambdas, written once: an administrator of the member account
 * starts the document there and approves it with principals he controls (or changes the document). The Lambda
 * acts with management-account power, so such a run may only file a request in the tooling account.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { type SSMClient, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { AssumeRootCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import {
  ALICE_USER,
  BOB_USER,
  expectToolingRequest,
  MEMBER_ADMIN,
  MEMBER_ADMIN_APPROVER,
  REQUEST_EXECUTION_ID,
} from '../../helpers/approvers';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { changedDocumentJson, givenDeployedDocuments } from '../../helpers/deployed-documents';
import { EXECUTION_ID, type ExecutionOptions, stepPayload } from './root-session-fixtures';

export interface MemberRunSetup {
  handler: () => (event: unknown) => Promise<unknown>;
  /** Puts the execution record in the member account (read through the reader role). */
  inMember: (options?: Partial<ExecutionOptions>) => void;
  ssmMock: AwsClientStub<SSMClient>;
  stsMock: AwsClientStub<STSClient>;
  iamMock: AwsClientStub<IAMClient>;
}

export function memberRunCases(documentName: string, setup: MemberRunSetup): void {
  const { ssmMock, stsMock, iamMock } = setup;

  it('never deletes for a member-account record its administrator approved: it files a request in the tooling account', async () => {
    setup.inMember({ executedBy: MEMBER_ADMIN, approvers: [MEMBER_ADMIN_APPROVER, ALICE_USER, BOB_USER] });
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
    setup.inMember({ executedBy: MEMBER_ADMIN });
    givenDeployedDocuments(ssmMock, changedDocumentJson(documentName));

    await expect(setup.handler()(stepPayload('false'))).rejects.toThrow(
      /is not the document rootguard deployed/,
    );
    expect(ssmMock).not.toHaveReceivedCommand(StartAutomationExecutionCommand);
    expect(stsMock).not.toHaveReceivedCommand(AssumeRootCommand);
  });
}
