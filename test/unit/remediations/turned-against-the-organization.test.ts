/**
 * Issue 11 part 2: an administrator of ONE member account must not be able to use rootguard's remediations, which
 * act with management-account power, against the organization. Each test plays that attacker with real-shaped
 * execution records and policies, through the Lambdas' entry points and the SDK boundary only.
 *
 *   1. lock out the organization: get a quarantine SCP (Deny * on *, no condition) or a broader deny reused
 *   2. approve his own destructive remediation: approvers he controls, a session that merely starts like an
 *      approver's, a document changed in his account
 *   3. probe and crowd out: a dry run with a made-up execution id, a pre-opened OpsItem
 */
import { CreatePolicyCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateOpsItemCommand,
  DescribeOpsItemsCommand,
  GetAutomationExecutionCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { ClientFactory } from '../../../lib/clients';
import { createAttachScpHandler } from '../../../remediations/attach-deny-root-scp/handler';
import { createOpenWindowHandler } from '../../../remediations/open-break-glass-window/handler';
import { createRequestHardwareMfaHandler } from '../../../remediations/request-hardware-mfa/handler';
import {
  ALICE_USER,
  APPROVER_ROLE_ARN,
  approvalSettingsFor,
  approverSession,
  CAROL,
  CAROL2,
  MEMBER_ADMIN,
} from '../../helpers/approvers';
import { MEMBER_ACCOUNT, ORG_ROOT_ID, REGION } from '../../helpers/constants';
import { givenDeployedDocuments } from '../../helpers/deployed-documents';
import { recordingMetrics } from '../../helpers/metrics';
import {
  DENY_ROOT_AND_REGION_CONTENT,
  LEGACY_DENY_ROOT_SCP,
  policy,
  QUARANTINE_CONTENT,
  QUARANTINE_SCP,
} from '../../helpers/scp';
import { useSdkMocks } from '../../helpers/sdk-mocks';
import {
  attachRecord,
  CREATED_POLICY_ID,
  FakeOrganization,
  stepPayload,
} from './attach-deny-root-scp/fixtures';
import {
  CONFIG as WINDOW_CONFIG,
  stepPayload as windowPayload,
  executionRecord as windowRecord,
} from './open-break-glass-window/fixtures';
import { opsItem, stepPayload as opsItemPayload, requestRecord } from './request-hardware-mfa/fixtures';
import { READER_CREDENTIALS } from './root-session-fixtures';

const { orgMock, ssmMock, stsMock } = useSdkMocks({
  orgMock: OrganizationsClient,
  ssmMock: SSMClient,
  stsMock: STSClient,
});
const metrics = recordingMetrics();
const REFUSALS = 'RemediationRefusals';

const attachConfig = {
  orgWriteRoleArn: undefined,
  documentName: 'RootGuard-AttachDenyRootScp',
  executionReaderRoleName: 'RootGuardRemediationReader',
  approvals: approvalSettingsFor(),
  region: REGION,
};
const attach = () =>
  createAttachScpHandler({
    config: attachConfig,
    clientFactory: new ClientFactory({ region: REGION }),
    metrics,
  });

/** A tooling-account execution of RootGuard-AttachDenyRootScp, approved by `approvers`. */
function recordedAttach(overrides: Record<string, unknown>, approvers?: string[]) {
  const payload = stepPayload(overrides);
  ssmMock
    .on(GetAutomationExecutionCommand)
    .resolves({ AutomationExecution: attachRecord(payload, { approvers }) });
  return payload;
}

beforeEach(() => {
  metrics.recorded = [];
  givenDeployedDocuments(ssmMock);
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: READER_CREDENTIALS });
});

describe('1. locking out the organization with an SCP that only "denies root too"', () => {
  it('never reuses a quarantine SCP (Deny * on *, no condition): it creates the canonical one instead', async () => {
    const org = new FakeOrganization(orgMock, { policies: [QUARANTINE_SCP] });

    const result = await attach()(recordedAttach({}, [ALICE_USER]));

    expect(result).toMatchObject({ status: 'attached', policyId: CREATED_POLICY_ID });
    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([CREATED_POLICY_ID]);
    expect(JSON.stringify(org.attachments.get(ORG_ROOT_ID))).not.toContain(QUARANTINE_SCP.id);
  });

  it('never reuses the quarantine SCP even under rootguard’s policy name', async () => {
    new FakeOrganization(orgMock, {
      policies: [policy('p-quarant02', 'RootGuardDenyRootUser', QUARANTINE_CONTENT)],
    });

    await expect(attach()(recordedAttach({}, [ALICE_USER]))).rejects.toMatchObject({ reason: 'name-taken' });
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
  });

  it('never reuses a deny-root SCP with an extra statement that denies everyone in a Region', async () => {
    const org = new FakeOrganization(orgMock, {
      policies: [policy('p-regions01', 'Baseline', DENY_ROOT_AND_REGION_CONTENT)],
    });

    await attach()(recordedAttach({}, [ALICE_USER]));

    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([CREATED_POLICY_ID]);
  });

  it('still reuses the documented variant (StringLike, no AssumeRoot exemption)', async () => {
    const org = new FakeOrganization(orgMock, { policies: [LEGACY_DENY_ROOT_SCP] });

    await attach()(recordedAttach({}, [ALICE_USER]));

    expect(org.attachedTo(MEMBER_ACCOUNT)).toEqual([LEGACY_DENY_ROOT_SCP.id]);
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
  });

  it('refuses the organization root as a target without the explicit confirmation, counting the refusal', async () => {
    new FakeOrganization(orgMock);

    const run = attach()(
      recordedAttach({ targetId: ORG_ROOT_ID, allowOrganizationalTarget: 'false' }, [ALICE_USER]),
    );

    await expect(run).rejects.toMatchObject({ reason: 'organizational-target-unconfirmed' });
    expect(metrics.total(REFUSALS)).toBe(1);
  });

  it('asks two approvers for the organization root: one is not enough', async () => {
    new FakeOrganization(orgMock);

    const run = attach()(recordedAttach({ targetId: ORG_ROOT_ID }, [ALICE_USER]));

    await expect(run).rejects.toThrow(/2 distinct approvers are required, 1 approved/);
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
  });
});

describe('2. approving his own destructive remediation', () => {
  it('does not count an approver outside the allow-list (a same-named role in his member account)', async () => {
    new FakeOrganization(orgMock);
    const outsider = approverSession('mallory', 'RemediationApprover', MEMBER_ACCOUNT);

    const run = attach()(recordedAttach({}, [outsider]));

    await expect(run).rejects.toThrow(/not on the approver allow-list/);
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
    expect(metrics.total(REFUSALS)).toBe(1);
  });

  it('does not count the requester approving under his own session', async () => {
    new FakeOrganization(orgMock);
    const payload = stepPayload();
    ssmMock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: { ...attachRecord(payload, { approvers: [CAROL] }), ExecutedBy: CAROL },
    });

    await expect(attach()(payload)).rejects.toThrow(/not counted: the requester/);
  });

  it('counts carol and carol2 as two people (no prefix match), and carol twice as one', async () => {
    new FakeOrganization(orgMock);
    const requester = MEMBER_ADMIN;
    const twoPeople = stepPayload({ targetId: ORG_ROOT_ID });
    ssmMock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        ...attachRecord(twoPeople, { approvers: [CAROL, CAROL2] }),
        ExecutedBy: requester,
      },
    });
    await expect(attach()(twoPeople)).resolves.toMatchObject({ status: 'attached' });

    ssmMock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: {
        ...attachRecord(twoPeople, { approvers: [CAROL, CAROL] }),
        ExecutedBy: requester,
      },
    });
    await expect(attach()(twoPeople)).rejects.toThrow(/2 distinct approvers are required, 1 approved/);
  });

  it('counts one person once through two session names when the record carries her source identity', async () => {
    // The inverse of carol/carol2: the same person (sts:SourceIdentity, set by the IdP) approving twice.
    const asCarol = (session: string) =>
      JSON.stringify({
        Approver: approverSession(session),
        Decision: 'Approve',
        SourceIdentity: 'carol@example.com',
      });
    ssmMock.on(GetAutomationExecutionCommand).resolves({
      AutomationExecution: windowRecord({
        executedBy: MEMBER_ADMIN,
        decisions: [asCarol('carol'), asCarol('carol-again')],
      }),
    });

    const run = createOpenWindowHandler({ config: WINDOW_CONFIG, metrics })(windowPayload());

    await expect(run).rejects.toThrow(/2 distinct approvers are required, 1 approved/);
  });

  it('refuses a run of the document an administrator changed under the same name (approval removed)', async () => {
    new FakeOrganization(orgMock);
    givenDeployedDocuments(ssmMock, JSON.stringify({ schemaVersion: '0.3', mainSteps: [] }));

    await expect(attach()(recordedAttach({}, [ALICE_USER]))).rejects.toThrow(
      /not the document rootguard deployed/,
    );
    expect(orgMock).not.toHaveReceivedCommand(CreatePolicyCommand);
  });
});

describe('3. probing and crowding out', () => {
  it('reveals nothing to a dry run whose execution id no document run has', async () => {
    new FakeOrganization(orgMock);
    ssmMock
      .on(GetAutomationExecutionCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'AutomationExecutionNotFoundException' }));

    await expect(attach()(stepPayload({ dryRun: 'true', targetId: ORG_ROOT_ID }))).rejects.toThrow(
      /exists neither/,
    );
    expect(orgMock.calls()).toHaveLength(0);
  });

  const requestMfa = () =>
    createRequestHardwareMfaHandler({
      config: { region: REGION, executionReaderRoleName: 'RootGuardRemediationReader' },
      clientFactory: new ClientFactory({ region: REGION }),
      metrics,
    });

  it('opens no OpsItem for a made-up payload (severity 4) that no execution of the document sent', async () => {
    ssmMock
      .on(GetAutomationExecutionCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'AutomationExecutionNotFoundException' }));
    ssmMock.on(DescribeOpsItemsCommand).resolves({ OpsItemSummaries: [] });
    ssmMock.on(CreateOpsItemCommand).resolves({ OpsItemId: 'oi-000000000099' });

    await expect(requestMfa()(opsItemPayload({ severity: '4' }))).rejects.toThrow(/exists neither/);
    expect(ssmMock).not.toHaveReceivedCommand(CreateOpsItemCommand);
  });

  it('is not blocked by an OpsItem someone else pre-opened under the same dedup key', async () => {
    const payload = opsItemPayload();
    ssmMock.on(GetAutomationExecutionCommand).resolves({ AutomationExecution: requestRecord(payload) });
    stsMock.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::444444444444:assumed-role/rootguard-prod-remediation-request-hardware-mfa/fn',
    });
    ssmMock.on(DescribeOpsItemsCommand).resolves({
      OpsItemSummaries: [{ ...opsItem('Open'), CreatedBy: MEMBER_ADMIN, Severity: '4' }],
    });
    ssmMock.on(CreateOpsItemCommand).resolves({ OpsItemId: 'oi-000000000042' });

    await expect(requestMfa()(payload)).resolves.toMatchObject({
      status: 'created',
      opsItemId: 'oi-000000000042',
    });
    expect(ssmMock).toHaveReceivedCommandWith(CreateOpsItemCommand, { Severity: '2' });
  });
});

it('names the allow-listed role in the fixtures', () => {
  expect(APPROVER_ROLE_ARN).toMatch(/:role\/RemediationApprover$/);
});
