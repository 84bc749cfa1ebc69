import {
  AttachPolicyCommand,
  CreatePolicyCommand,
  DuplicatePolicyAttachmentException,
  ListPoliciesCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetAutomationExecutionCommand,
  SSMClient,
  StartAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../../lib/clients';
import { denyRootPolicyDocument } from '../../../../lib/deny-root-policy';
import { AccessDeniedError } from '../../../../lib/errors';
import { POLICY_DESCRIPTION } from '../../../../remediations/attach-deny-root-scp/attach';
import type { AttachScpConfig } from '../../../../remediations/attach-deny-root-scp/config';
import { AttachRefusedError, ScpQuotaError } from '../../../../remediations/attach-deny-root-scp/errors';
import {
  type AttachScpHandler,
  createAttachScpHandler,
  ORG_WRITE_SESSION_NAME,
} from '../../../../remediations/attach-deny-root-scp/handler';
import {
  ApprovalRuleError,
  ExecutionRecordError,
  InvalidStepPayloadError,
} from '../../../../remediations/lib/errors';
import {
  approvalSettingsFor,
  expectToolingRequest,
  MEMBER_ADMIN_APPROVER,
  REQUEST_EXECUTION_ID,
} from '../../../helpers/approvers';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ROOT_ID, REGION } from '../../../helpers/constants';
import { givenDeployedDocuments } from '../../../helpers/deployed-documents';
import { recordingMetrics } from '../../../helpers/metrics';
import { DENY_ROOT_SCP, PARTIAL_DENY_SCP } from '../../../helpers/scp';
import { assumedRole, useSdkMocks } from '../../../helpers/sdk-mocks';
import { givenRecordIn, READER_CREDENTIALS } from '../root-session-fixtures';
import {
  ALICE,
  type AttachRecordOptions,
  attachRecord,
  BOB,
  BUNDLE_SCP,
  CREATED_POLICY_ID,
  EXECUTION_ID,
  FakeOrganization,
  type FakeOrganizationOptions,
  ORG_WRITE_ROLE_ARN,
  POLICY_NAME,
  PROD_OU,
  REQUESTER,
  SANDBOX_OU,
  stepPayload,
  WORKLOADS_OU,
} from './fixtures';

const { orgMock, stsMock, ssmMock } = useSdkMocks({
  orgMock: OrganizationsClient,
  stsMock: STSClient,
  ssmMock: SSMClient,
});

const CONFIG: AttachScpConfig = {
  orgWriteRoleArn: undefined,
  documentName: 'RootGuard-AttachDenyRootScp',
  executionReaderRoleName: 'RootGuardRemediationReader',
  approvals: approvalSettingsFor(),
  region: REGION,
};

/**
 * The step payload, with SSM's record of the execution that sent it: this document, running, the same values,
 * ApproveAttachment approved by ALICE (not the requester). Recorded in this function's account.
 */
function recorded(overrides: Record<string, unknown> = {}, options: AttachRecordOptions = {}) {
  const payload = stepPayload(overrides);
  givenRecordIn(ssmMock, 'local', attachRecord(payload, options));
  return payload;
}

const metrics = recordingMetrics();

function handler(config: AttachScpConfig = CONFIG): AttachScpHandler {
  return createAttachScpHandler({
    config,
    clientFactory: new ClientFactory({ region: config.region }),
    metrics,
  });
}

const organization = (options: FakeOrganizationOptions = {}) => new FakeOrganization(orgMock, options);

const writes = () => [
  ...orgMock.commandCalls(CreatePolicyCommand),
  ...orgMock.commandCalls(AttachPolicyCommand),
];

beforeEach(() => {
  metrics.recorded = [];
  givenDeployedDocuments(ssmMock);
});

describe('attach-deny-root-scp handler', () => {
  it('creates the canonical SCP (tagged, with its AssumeRoot exemption) and attaches it to the account', async () => {
    const org = organization();

    const result = await handler()(recorded());

    expect(result).toEqual({
      route: 'act',
      status: 'attached',
      accountId: MEMBER_ACCOUNT,
      targetId: MEMBER_ACCOUNT,
      policyId: CREATED_POLICY_ID,
      policyName: POLICY_NAME,
      actions: [
        `created SCP ${CREATED_POLICY_ID} ("${POLICY_NAME}")`,
        `attached SCP ${CREATED_POLICY_ID} to the account ${MEMBER_ACCOUNT} itself`,
      ],
      message: `Attached SCP ${CREATED_POLICY_ID} (${POLICY_NAME}) to the account ${MEMBER_ACCOUNT} itself: every action of the root user of account ${MEMBER_ACCOUNT} is now denied.`,
    });
    expect(org.created).toEqual([
      {
        Name: POLICY_NAME,
        Description: POLICY_DESCRIPTION,
        Type: 'SERVICE_CONTROL_POLICY',
        Content: JSON.stringify(denyRootPolicyDocument('aws')),
        Tags: [{ Key: 'app', Value: 'rootguard' }],
      },
    ]);
    expect(JSON.parse(org.created[0]?.Content ?? '{}').Statement[0].Condition).toEqual({
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' },
      Null: { 'aws:AssumedRoot': 'true' },
    });
    expect(orgMock).toHaveReceivedCommandWith(AttachPolicyCommand, {
      PolicyId: CREATED_POLICY_ID,
      TargetId: MEMBER_ACCOUNT,
    });
    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([CREATED_POLICY_ID]);
  });

  it('attaches to the OU named by TargetId', async () => {
    const org = organization();

    const result = await handler()(recorded({ targetId: WORKLOADS_OU }));

    expect(result).toMatchObject({ status: 'attached', targetId: WORKLOADS_OU });
    expect(org.attachedTo(WORKLOADS_OU)).toEqual([CREATED_POLICY_ID]);
    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([]);
  });

  it('reports the plan and writes nothing in a dry run', async () => {
    organization();

    const result = await handler()(recorded({ dryRun: 'true', targetId: ORG_ROOT_ID }));

    expect(result).toEqual({
      route: 'act',
      status: 'dry-run',
      accountId: MEMBER_ACCOUNT,
      targetId: ORG_ROOT_ID,
      policyId: undefined,
      policyName: POLICY_NAME,
      actions: [
        `create SCP "${POLICY_NAME}" denying every action to the root user (aws:AssumedRoot sessions exempt)`,
        `attach the new SCP "${POLICY_NAME}" to the organization root ${ORG_ROOT_ID}`,
      ],
      message: expect.stringMatching(/^Dry run, nothing changed\. Would: create SCP/),
    });
    expect(writes()).toHaveLength(0);
  });

  it('refuses the management account with a clear message and writes nothing', async () => {
    organization({ policies: [DENY_ROOT_SCP] });

    const run = handler()(recorded({ accountId: MANAGEMENT_ACCOUNT }));

    await expect(run).rejects.toThrow(AttachRefusedError);
    await expect(run).rejects.toThrow(/SCPs never apply to the management account/);
    await expect(run).rejects.toMatchObject({ reason: 'management-account', accountId: MANAGEMENT_ACCOUNT });
    expect(writes()).toHaveLength(0);
  });

  it('refuses the management account in a dry run too (the plan step fails before any approval)', async () => {
    organization();
    await expect(handler()(recorded({ accountId: MANAGEMENT_ACCOUNT, dryRun: 'true' }))).rejects.toThrow(
      AttachRefusedError,
    );
  });

  it('changes nothing when a deny-root SCP already applies through an OU', async () => {
    organization({ policies: [DENY_ROOT_SCP], attachments: { [WORKLOADS_OU]: [DENY_ROOT_SCP.id] } });

    const result = await handler()(recorded());

    expect(result).toEqual({
      route: 'act',
      status: 'already-protected',
      accountId: MEMBER_ACCOUNT,
      targetId: WORKLOADS_OU,
      policyId: DENY_ROOT_SCP.id,
      policyName: 'DenyRootUser',
      actions: [],
      message: expect.stringContaining(
        `already protected by SCP ${DENY_ROOT_SCP.id} (DenyRootUser) on OU ${WORKLOADS_OU}`,
      ),
    });
    expect(writes()).toHaveLength(0);
    expect(orgMock).not.toHaveReceivedCommand(ListPoliciesCommand);
  });

  it('reuses an existing deny-root SCP that is attached nowhere instead of creating a duplicate', async () => {
    const org = organization({ policies: [PARTIAL_DENY_SCP, BUNDLE_SCP, DENY_ROOT_SCP] });

    const result = await handler()(recorded({ targetId: PROD_OU }));

    expect(result).toMatchObject({ status: 'attached', policyId: DENY_ROOT_SCP.id, targetId: PROD_OU });
    // Canonical content, not yet tagged: tagged app=rootguard first (the SCP role attaches tagged policies only).
    expect(result).toHaveProperty('actions', [
      `tagged SCP ${DENY_ROOT_SCP.id} app=rootguard`,
      `attached SCP ${DENY_ROOT_SCP.id} to OU ${PROD_OU}`,
    ]);
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
    expect(org.attachedTo(PROD_OU)).toEqual([DENY_ROOT_SCP.id]);
  });

  it('is a no-op when run again: no second policy, no second attachment', async () => {
    const org = organization();
    const run = handler();

    const first = await run(recorded());
    const second = await run(recorded());

    expect(first.status).toBe('attached');
    expect(second).toMatchObject({ status: 'already-protected', policyId: CREATED_POLICY_ID, actions: [] });
    expect(orgMock).toHaveReceivedCommandTimes(CreatePolicyCommand, 1);
    expect(orgMock).toHaveReceivedCommandTimes(AttachPolicyCommand, 1);
    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([CREATED_POLICY_ID]);
  });

  it('treats DuplicatePolicyAttachmentException (attached by someone else meanwhile) as done', async () => {
    organization({ policies: [DENY_ROOT_SCP] });
    orgMock.on(AttachPolicyCommand).rejects(
      new DuplicatePolicyAttachmentException({
        message: 'The selected policy is already attached to the target.',
        $metadata: {},
      }),
    );

    const result = await handler()(recorded());

    expect(result).toMatchObject({
      status: 'already-protected',
      policyId: DENY_ROOT_SCP.id,
      actions: [`tagged SCP ${DENY_ROOT_SCP.id} app=rootguard`],
      message: `SCP ${DENY_ROOT_SCP.id} (DenyRootUser) was already attached to the account ${MEMBER_ACCOUNT} itself; account ${MEMBER_ACCOUNT} is protected.`,
    });
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
  });

  it('fails with a clear error, and writes nothing, when the SCP policy type is disabled', async () => {
    organization({ scpEnabled: false });

    const run = handler()(recorded());

    await expect(run).rejects.toThrow(AttachRefusedError);
    await expect(run).rejects.toThrow(/SERVICE_CONTROL_POLICY type is not enabled.*EnablePolicyType/);
    expect(writes()).toHaveLength(0);
  });

  it('refuses a TargetId in another branch of the tree', async () => {
    organization();
    await expect(handler()(recorded({ targetId: SANDBOX_OU }))).rejects.toMatchObject({
      name: 'AttachRefusedError',
      reason: 'target-not-above-account',
    });
    expect(writes()).toHaveLength(0);
  });

  it('names the 5-SCP limit and what to do when the target is full', async () => {
    const org = organization({ policies: [DENY_ROOT_SCP] });
    org.attachConstraint = 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED';

    const run = handler()(recorded());

    await expect(run).rejects.toThrow(ScpQuotaError);
    await expect(run).rejects.toThrow(
      /organizations:AttachPolicy for account 222222222222 refused by Organizations \(MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED\): the target already has the most SCPs .*one level up/,
    );
    await expect(run).rejects.toMatchObject({ limit: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED' });
  });

  it('names organizations:CreatePolicy when the role may not create policies', async () => {
    organization();
    orgMock
      .on(CreatePolicyCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const run = handler()(recorded());

    await expect(run).rejects.toThrow(AccessDeniedError);
    await expect(run).rejects.toThrow(
      /Access denied calling organizations:CreatePolicy in account 222222222222/,
    );
  });

  it('acts through ORG_WRITE_ROLE_ARN when it is set', async () => {
    organization();
    stsMock.on(AssumeRoleCommand).resolves(assumedRole('ASIAORGWRITE'));

    await handler({ ...CONFIG, orgWriteRoleArn: ORG_WRITE_ROLE_ARN })(recorded());

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ORG_WRITE_ROLE_ARN,
      RoleSessionName: ORG_WRITE_SESSION_NAME,
    });
    const credentials = await orgMock.commandCalls(CreatePolicyCommand)[0]?.thisValue.config.credentials();
    expect(credentials?.accessKeyId).toBe('ASIAORGWRITE');
  });

  it('writes the deny-root statement for the partition of its region', async () => {
    const org = organization();

    await handler({ ...CONFIG, region: 'cn-north-1' })(recorded());

    expect(JSON.parse(org.created[0]?.Content ?? '{}').Statement[0].Condition.ArnLike).toEqual({
      'aws:PrincipalArn': 'arn:aws-cn:iam::*:root',
    });
  });

  it('rejects a payload the document could not have sent, naming the fields', async () => {
    organization();
    const run = handler()(recorded({ targetId: 'p-abcdefgh', dryRun: 'yes' }));
    await expect(run).rejects.toThrow(InvalidStepPayloadError);
    await expect(run).rejects.toThrow(/targetId: expected blank, an OU id.*dryRun/);
    expect(orgMock.calls()).toHaveLength(0);
  });
});

describe('attach-deny-root-scp handler: the approval in the execution record', () => {
  const refusedBeforeOrganizations = async (
    run: Promise<unknown>,
    type: typeof ExecutionRecordError,
    message: RegExp,
  ) => {
    await expect(run).rejects.toThrow(type);
    await expect(run).rejects.toThrow(message);
    expect(orgMock.calls()).toHaveLength(0);
  };

  it('reads the record of the execution before it attaches, and logs who approved', async () => {
    organization();

    await expect(handler()(recorded())).resolves.toMatchObject({ status: 'attached' });

    expect(ssmMock).toHaveReceivedCommandWith(GetAutomationExecutionCommand, {
      AutomationExecutionId: EXECUTION_ID,
    });
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it('reads the record for a dry run too, then plans', async () => {
    organization();

    await expect(handler()(recorded({ dryRun: 'true' }))).resolves.toMatchObject({ status: 'dry-run' });

    expect(ssmMock).toHaveReceivedCommand(GetAutomationExecutionCommand);
  });

  it("refuses the requester's own approval (one approver other than the requester is needed)", async () => {
    organization();
    await refusedBeforeOrganizations(
      handler()(recorded({}, { approvers: [REQUESTER] })),
      ApprovalRuleError,
      /1 distinct approvers are required, 0 approved.*not counted: the requester /,
    );
  });

  it('refuses a rejected approval', async () => {
    organization();
    await refusedBeforeOrganizations(
      handler()(recorded({}, { approvalStatus: 'Rejected', stepStatus: 'Failed' })),
      ExecutionRecordError,
      /ApproveAttachment is Failed/,
    );
  });

  // dryRun true: an attacker probing for the OU path, the SCP ids and the management account; the plan is refused
  // like the attachment, before Organizations is read.
  it.each(['false', 'true'])(
    'refuses a direct invocation (dryRun %s) whose execution id SSM does not know, reading and writing nothing',
    async (dryRun) => {
      organization();
      ssmMock
        .on(GetAutomationExecutionCommand)
        .rejects(Object.assign(new Error('not found'), { name: 'AutomationExecutionNotFoundException' }));
      stsMock.on(AssumeRoleCommand).resolves({ Credentials: READER_CREDENTIALS });

      await refusedBeforeOrganizations(
        handler()(stepPayload({ dryRun })),
        ExecutionRecordError,
        /exists neither in this function's account nor in account 222222222222/,
      );
      expect(metrics.total('RemediationRefusals')).toBeGreaterThan(0);
    },
  );

  it.each<[string, Record<string, unknown>, AttachRecordOptions, RegExp]>([
    [
      'another document',
      {},
      { documentName: 'RootGuard-Other' },
      /runs RootGuard-Other, not RootGuard-AttachDenyRootScp/,
    ],
    ['a finished execution (a replayed id)', {}, { status: 'Success' }, /is Success, not InProgress/],
    ['another target than approved', {}, { parameters: { TargetId: [WORKLOADS_OU] } }, /TargetId differs/],
    [
      'another policy name than approved',
      {},
      { parameters: { PolicyName: ['Other'] } },
      /PolicyName differs/,
    ],
    [
      'another account than approved',
      {},
      { parameters: { AccountId: ['333333333333'] } },
      /AccountId differs/,
    ],
    ['an execution started as a dry run', {}, { parameters: { DryRun: ['true'] } }, /DryRun differs/],
  ])('refuses %s before touching Organizations', async (_label, overrides, options, message) => {
    organization();
    await refusedBeforeOrganizations(handler()(recorded(overrides, options)), ExecutionRecordError, message);
  });

  it('takes TargetId, PolicyName and DryRun left out of the record as the document defaults', async () => {
    organization();
    const payload = recorded(
      { policyName: 'RootGuardDenyRootUser' },
      { parameters: { TargetId: [], PolicyName: [], DryRun: [] } },
    );

    await expect(handler()(payload)).resolves.toMatchObject({ status: 'attached', targetId: MEMBER_ACCOUNT });
  });

  it('never attaches for a member-account record: a dry run or an approved run there only files a request', async () => {
    // Attacker: an administrator of the member account starts the document there, approves it himself, and
    // asks for the organization root. He gets a request for his own account, account-level, in the tooling
    // account, and learns nothing about the organization.
    organization();
    ssmMock.on(StartAutomationExecutionCommand).resolves({ AutomationExecutionId: REQUEST_EXECUTION_ID });
    const payload = stepPayload({ targetId: ORG_ROOT_ID });
    givenRecordIn(
      ssmMock,
      'member',
      attachRecord(payload, { approvers: [MEMBER_ADMIN_APPROVER, ALICE, BOB] }),
    );
    stsMock.on(AssumeRoleCommand).resolves({ Credentials: READER_CREDENTIALS });

    const planned = await handler()({ ...payload, dryRun: 'true' });
    const attached = await handler()(payload);

    for (const result of [planned, attached]) {
      expect(result).toMatchObject({
        status: 'requested',
        route: 'requested',
        requestExecutionId: REQUEST_EXECUTION_ID,
      });
      expect(JSON.stringify(result)).not.toMatch(/ou-|r-ab12|p-|111111111111/);
    }
    expect(orgMock.calls()).toHaveLength(0);
    expectToolingRequest(ssmMock, 'RootGuard-AttachDenyRootScp', EXECUTION_ID);
  });
});
