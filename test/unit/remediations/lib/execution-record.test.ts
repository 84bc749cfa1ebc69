/**
 * Where an Automation execution record is read (remediations/lib/automation-execution.ts, executionRecordReader):
 * in the function's own account for a document started there, else in the member account through the reader role
 * (a Config remediation ran there). And what verifyExecution demands of a record before a step acts on it.
 */

import {
  DescribeAutomationStepExecutionsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../../lib/clients';
import { AccessDeniedError } from '../../../../lib/errors';
import {
  type ExecutionExpectations,
  executionRecordReader,
  verifyExecution,
} from '../../../../remediations/lib/automation-execution';
import { ApprovalRuleError, ExecutionRecordError } from '../../../../remediations/lib/errors';
import { MEMBER_ACCOUNT, REGION } from '../../../helpers/constants';
import { givenDeployedDocuments } from '../../../helpers/deployed-documents';
import { signedWith, useSdkMocks } from '../../../helpers/sdk-mocks';
import {
  ALICE,
  accessDenied,
  BOB,
  EXECUTION_ID,
  executionNotFound,
  executionRecord,
  givenRecordIn,
  READER_CREDENTIALS,
  READER_ROLE_NAME,
  REQUESTER,
  readerRoleArn,
} from '../root-session-fixtures';

const { ssmMock, stsMock } = useSdkMocks({ ssmMock: SSMClient, stsMock: STSClient });
const DOCUMENT = 'RootGuard-DeleteRootCredentials';

const reader = (options: { readerRoleName?: string | undefined; region?: string } = {}) =>
  executionRecordReader({
    factory: new ClientFactory({ region: options.region ?? REGION }),
    readerRoleName: 'readerRoleName' in options ? options.readerRoleName : READER_ROLE_NAME,
    sessionName: 'rootguard-delete-root-credentials-record',
  });

beforeEach(() => {
  givenDeployedDocuments(ssmMock);
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: READER_CREDENTIALS });
});

describe('executionRecordReader', () => {
  it('reads a document started in this account with the function’s own credentials, assuming nothing', async () => {
    givenRecordIn(ssmMock, 'local', executionRecord({ documentName: DOCUMENT }));

    const located = await reader()(EXECUTION_ID, MEMBER_ACCOUNT);

    expect(located.execution.DocumentName).toBe(DOCUMENT);
    expect(located.readThroughAccount).toBeUndefined();
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('reads a Config remediation’s record in the member account through the reader role', async () => {
    givenRecordIn(ssmMock, 'member', executionRecord({ documentName: DOCUMENT }));

    const located = await reader()(EXECUTION_ID, MEMBER_ACCOUNT);

    expect(located.execution.DocumentName).toBe(DOCUMENT);
    expect(located.readThroughAccount).toBe(MEMBER_ACCOUNT);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: readerRoleArn(MEMBER_ACCOUNT),
      RoleSessionName: 'rootguard-delete-root-credentials-record',
    });
    const calls = ssmMock.commandCalls(GetAutomationExecutionCommand);
    expect(calls.map((c) => c.args[0].input.AutomationExecutionId)).toEqual([EXECUTION_ID, EXECUTION_ID]);
    expect(await signedWith(calls[0])).toBe('testing');
    expect(await signedWith(calls[1])).toBe(READER_CREDENTIALS.AccessKeyId);
  });

  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('assumes the reader role in the partition of %s', async (region, partition) => {
    givenRecordIn(ssmMock, 'member', executionRecord({ documentName: DOCUMENT }));

    await reader({ region })(EXECUTION_ID, MEMBER_ACCOUNT);

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:${partition}:iam::${MEMBER_ACCOUNT}:role/${READER_ROLE_NAME}`,
    });
  });

  it('reads further steps of a member-account record with the reader role too', async () => {
    const record = {
      ...executionRecord({ documentName: DOCUMENT }),
      StepExecutions: [],
      StepExecutionsTruncated: true,
    };
    const approval = executionRecord({ documentName: DOCUMENT }).StepExecutions?.find(
      (s) => s.StepName === 'ApproveDeletion',
    );
    givenRecordIn(ssmMock, 'member', record, approval ? [approval] : []);

    const located = await reader()(EXECUTION_ID, MEMBER_ACCOUNT);
    const verified = await verifyExecution(
      located,
      expectations({ approval: { stepName: 'ApproveDeletion', minApprovers: 2 } }),
    );

    expect(verified.approvers).toEqual([ALICE, BOB]);
    const describe = ssmMock.commandCalls(DescribeAutomationStepExecutionsCommand);
    expect(describe).toHaveLength(1);
    expect(await signedWith(describe[0])).toBe(READER_CREDENTIALS.AccessKeyId);
  });

  it('says the record is in neither account when the member account does not know the id either', async () => {
    ssmMock.on(GetAutomationExecutionCommand).rejects(executionNotFound());

    const run = reader()(EXECUTION_ID, MEMBER_ACCOUNT);

    await expect(run).rejects.toThrow(ExecutionRecordError);
    await expect(run).rejects.toThrow(
      `Automation execution ${EXECUTION_ID} exists neither in this function's account nor in account ${MEMBER_ACCOUNT}`,
    );
  });

  it('names the reader role and the StackSet when the role cannot be assumed', async () => {
    ssmMock.on(GetAutomationExecutionCommand).rejects(executionNotFound());
    stsMock.on(AssumeRoleCommand).rejects(accessDenied('sts:AssumeRole'));

    const run = reader()(EXECUTION_ID, MEMBER_ACCOUNT);

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(
      new RegExp(
        `runs in account ${MEMBER_ACCOUNT} .*Deploy stacksets/member-remediation.yaml .*${READER_ROLE_NAME}`,
      ),
    );
  });

  it('stops at any other failure of the local read (a missing permission is not "elsewhere")', async () => {
    ssmMock.on(GetAutomationExecutionCommand).rejects(accessDenied('ssm:GetAutomationExecution'));

    await expect(reader()(EXECUTION_ID, MEMBER_ACCOUNT)).rejects.toThrow(AccessDeniedError);
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('looks in this account only when no reader role is configured', async () => {
    ssmMock.on(GetAutomationExecutionCommand).rejects(executionNotFound());

    await expect(reader({ readerRoleName: undefined })(EXECUTION_ID, MEMBER_ACCOUNT)).rejects.toThrow(
      /AutomationExecutionNotFoundException/,
    );
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });
});

const expectations = (overrides: Partial<ExecutionExpectations> = {}): ExecutionExpectations => ({
  executionId: EXECUTION_ID,
  folder: 'delete-root-credentials',
  accountId: MEMBER_ACCOUNT,
  documentName: DOCUMENT,
  parameters: { AccountId: { value: MEMBER_ACCOUNT }, DryRun: { value: 'false', whenOmitted: 'true' } },
  ...overrides,
});

describe('verifyExecution', () => {
  const located = (record = executionRecord({ documentName: DOCUMENT })) => ({
    execution: record,
    ssm: new SSMClient({ region: REGION }),
    readThroughAccount: MEMBER_ACCOUNT,
  });

  it('returns the approvers other than the requester, the requester and where the record was read', async () => {
    const verified = await verifyExecution(
      located(executionRecord({ documentName: DOCUMENT, approvers: [ALICE, REQUESTER, BOB] })),
      expectations({ approval: { stepName: 'ApproveDeletion', minApprovers: 2 } }),
    );
    expect(verified).toEqual({
      approvers: [ALICE, BOB],
      requestedBy: REQUESTER,
      readThroughAccount: MEMBER_ACCOUNT,
    });
  });

  it('asks for no approval when none is expected', async () => {
    const record = executionRecord({ documentName: DOCUMENT, dryRun: 'true' });
    await expect(
      verifyExecution(located(record), expectations({ parameters: { DryRun: { value: 'true' } } })),
    ).resolves.toMatchObject({ approvers: [] });
  });

  it('takes an omitted parameter as the document default, and only then', async () => {
    const record = executionRecord({ documentName: DOCUMENT, dryRun: null });
    await expect(
      verifyExecution(
        located(record),
        expectations({ parameters: { DryRun: { value: 'true', whenOmitted: 'true' } } }),
      ),
    ).resolves.toBeDefined();
    await expect(verifyExecution(located(record), expectations())).rejects.toThrow(
      /DryRun differs between the payload and the record/,
    );
    await expect(
      verifyExecution(located(record), expectations({ parameters: { DryRun: { value: 'true' } } })),
    ).rejects.toThrow(/no single value for parameter DryRun/);
  });

  it.each<[string, Parameters<typeof executionRecord>[0], RegExp]>([
    [
      'another document',
      { documentName: 'RootGuard-Other' },
      /runs RootGuard-Other, not RootGuard-DeleteRootCredentials/,
    ],
    ['a finished execution', { documentName: DOCUMENT, status: 'Success' }, /is Success, not InProgress/],
    [
      'another account',
      { documentName: DOCUMENT, parameters: { AccountId: ['333333333333'] } },
      /AccountId differs between the payload and the record/,
    ],
  ])('refuses %s', async (_label, options, message) => {
    await expect(verifyExecution(located(executionRecord(options)), expectations())).rejects.toThrow(message);
  });

  it('refuses too few approvers other than the requester', async () => {
    const run = verifyExecution(
      located(executionRecord({ documentName: DOCUMENT, approvers: [ALICE, REQUESTER] })),
      expectations({ approval: { stepName: 'ApproveDeletion', minApprovers: 2 } }),
    );
    await expect(run).rejects.toThrow(ApprovalRuleError);
    await expect(run).rejects.toThrow(/2 distinct approvers are required, 1 approved/);
  });
});
