/**
 * attach-deny-root-scp against an emulated organization (moto_server) with real SDK clients: the remediation's
 * core writes the SCP, a second run changes nothing, and the root-deny-scp rule's own collect + evaluate then
 * judge the account COMPLIANT. The management account is refused and stays NOT_APPLICABLE.
 *
 * moto does not enforce SCPs, the management-account rule or the 5-SCP limit: those are the Lambda's own checks
 * (and the unit tests'); what this test proves is that the calls, ids and documents fit together end to end.
 */

import {
  CreatePolicyCommand,
  DescribePolicyCommand,
  ListPoliciesCommand,
  ListPoliciesForTargetCommand,
  ListTagsForResourceCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetAutomationExecutionCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { ClientFactory } from '../../lib/clients';
import { analyzeDenyRootPolicy, denyRootPolicyDocument } from '../../lib/deny-root-policy';
import { clearOrgCache } from '../../lib/org-tree';
import {
  type AttachRequest,
  type AttachResult,
  attachDenyRootScp,
} from '../../remediations/attach-deny-root-scp/attach';
import { AttachRefusedError } from '../../remediations/attach-deny-root-scp/errors';
import { createAttachScpHandler } from '../../remediations/attach-deny-root-scp/handler';
import { DEFAULT_POLICY_NAME } from '../../remediations/attach-deny-root-scp/plan';
import { approvalSettingsFor } from '../helpers/approvers';
import { givenDeployedDocuments } from '../helpers/deployed-documents';
import {
  createWorkloadsOrganization,
  EMULATED_MANAGEMENT_ACCOUNT,
  expectEvaluation,
  judgeRootDenyScp,
  type WorkloadsOrganization,
} from '../helpers/emulated-org';
import { EMULATOR_REGION, emulatorClientFactory, resetEmulator } from '../helpers/emulator';
import { attachRecord } from '../unit/remediations/attach-deny-root-scp/fixtures';

const MANAGEMENT = EMULATED_MANAGEMENT_ACCOUNT;
const EXECUTION_ID = '7c1f3a2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const OPTIONS = { partition: 'aws' as const };

const request = (accountId: string, overrides: Partial<AttachRequest> = {}): AttachRequest => ({
  accountId,
  targetId: undefined,
  policyName: DEFAULT_POLICY_NAME,
  dryRun: false,
  ...overrides,
  allowOrganizationalTarget: overrides.allowOrganizationalTarget ?? overrides.targetId !== undefined,
});

/** Runs the remediation for `accountId` as a fresh invocation would: the organization read anew. */
const attachFresh = (o: WorkloadsOrganization, accountId: string, overrides: Partial<AttachRequest> = {}) => {
  clearOrgCache();
  return attachDenyRootScp(o.org, request(accountId, overrides), OPTIONS);
};

const judge = (accountId: string, clients?: ClientFactory) => judgeRootDenyScp(accountId, {}, clients);

/** Customer-managed SCPs in the organization (FullAWSAccess left out). */
async function customerScps(org: OrganizationsClient) {
  const out = await org.send(new ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY' }));
  return (out.Policies ?? []).filter((p) => !p.AwsManaged);
}

async function attachedScpIds(org: OrganizationsClient, targetId: string): Promise<string[]> {
  const out = await org.send(
    new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: 'SERVICE_CONTROL_POLICY' }),
  );
  return (out.Policies ?? []).filter((p) => !p.AwsManaged).map((p) => p.Id as string);
}

describe('attach-deny-root-scp against an emulated organization', () => {
  beforeEach(async () => {
    await resetEmulator();
    clearOrgCache();
  });

  it('creates and attaches the SCP, changes nothing on a second run, and the rule then says COMPLIANT', async () => {
    const o = await createWorkloadsOrganization();
    expect((await judge(o.accounts.prod))?.complianceType).toBe('NON_COMPLIANT');

    const first = await attachFresh(o, o.accounts.prod);
    const second = await attachFresh(o, o.accounts.prod);

    expect(first).toMatchObject({
      status: 'attached',
      targetId: o.accounts.prod,
      policyName: DEFAULT_POLICY_NAME,
    });
    expect(second).toMatchObject({ status: 'already-protected', policyId: first.policyId, actions: [] });
    const scps = await customerScps(o.org);
    expect(scps.map((p) => [p.Id, p.Name])).toEqual([[first.policyId, DEFAULT_POLICY_NAME]]);
    expect(await attachedScpIds(o.org, o.accounts.prod)).toEqual([first.policyId]);

    const { Policy } = await o.org.send(new DescribePolicyCommand({ PolicyId: first.policyId }));
    expect(JSON.parse(Policy?.Content ?? '{}')).toEqual(denyRootPolicyDocument('aws'));
    expect(analyzeDenyRootPolicy(Policy?.Content ?? '', 'aws', o.accounts.prod).denies).toBe(true);
    const { Tags } = await o.org.send(new ListTagsForResourceCommand({ ResourceId: first.policyId }));
    expect(Tags).toEqual([{ Key: 'app', Value: 'rootguard' }]);

    await expectEvaluation(
      judge(o.accounts.prod),
      'COMPLIANT',
      `${first.policyId} (${DEFAULT_POLICY_NAME}) on the account itself`,
    );
  });

  it('protects every account below the OU it attaches to, reusing the SCP it created before', async () => {
    const o = await createWorkloadsOrganization();
    const onAccount = await attachFresh(o, o.accounts.prod);
    const onSandboxOu = await attachFresh(o, o.accounts.sandbox, { targetId: o.ous.sandbox });

    expect(onSandboxOu).toMatchObject({
      status: 'attached',
      policyId: onAccount.policyId,
      targetId: o.ous.sandbox,
    });
    expect(await customerScps(o.org)).toHaveLength(1);
    expect(await attachedScpIds(o.org, o.ous.sandbox)).toEqual([onAccount.policyId]);
    await expectEvaluation(judge(o.accounts.sandbox), 'COMPLIANT', `OU ${o.ous.sandbox}`);
  });

  it('reuses a deny-root SCP someone created earlier instead of making a second copy', async () => {
    const o = await createWorkloadsOrganization();
    const existing = await o.org.send(
      new CreatePolicyCommand({
        Name: 'DenyRootEverywhere',
        Description: 'made by hand',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: JSON.stringify(denyRootPolicyDocument('aws')),
      }),
    );
    const existingId = existing.Policy?.PolicySummary?.Id as string;

    const result = await attachFresh(o, o.accounts.prod, { targetId: o.ous.workloads });

    expect(result).toMatchObject({
      status: 'attached',
      policyId: existingId,
      policyName: 'DenyRootEverywhere',
    });
    expect(await customerScps(o.org)).toHaveLength(1);
    expect((await judge(o.accounts.prod))?.complianceType).toBe('COMPLIANT');
  });

  it('writes nothing in a dry run and reports the plan', async () => {
    const o = await createWorkloadsOrganization();

    const result = await attachFresh(o, o.accounts.prod, { dryRun: true, targetId: o.rootId });

    expect(result).toMatchObject({ status: 'dry-run', policyId: undefined, targetId: o.rootId });
    expect(result.actions).toHaveLength(2);
    expect(await customerScps(o.org)).toEqual([]);
    expect((await judge(o.accounts.prod))?.complianceType).toBe('NON_COMPLIANT');
  });

  it('refuses the management account, writes nothing, and the rule keeps it NOT_APPLICABLE', async () => {
    const o = await createWorkloadsOrganization();

    const run = attachFresh(o, MANAGEMENT);

    await expect(run).rejects.toThrow(AttachRefusedError);
    await expect(run).rejects.toThrow(/SCPs never apply to the management account/);
    expect(await customerScps(o.org)).toEqual([]);
    expect((await judge(MANAGEMENT))?.complianceType).toBe('NOT_APPLICABLE');
  });

  it('refuses, and creates nothing, when the SCP policy type is not enabled', async () => {
    const o = await createWorkloadsOrganization(false);

    await expect(attachFresh(o, o.accounts.prod)).rejects.toMatchObject({
      reason: 'scp-disabled',
    });
    expect(await customerScps(o.org)).toEqual([]);
  });

  it('runs as the Lambda from a tooling account through ORG_WRITE_ROLE_ARN, after the recorded approval', async () => {
    const o = await createWorkloadsOrganization();
    // The security tooling account: the member directly under the root.
    const clientFactory = emulatorClientFactory(EMULATOR_REGION, o.accounts.atRoot);
    const handler = createAttachScpHandler({
      config: {
        orgWriteRoleArn: `arn:aws:iam::${MANAGEMENT}:role/RootGuardOrgWrite`,
        documentName: 'RootGuard-AttachDenyRootScp',
        executionReaderRoleName: 'RootGuardRemediationReader',
        approvals: approvalSettingsFor(),
        region: EMULATOR_REGION,
      },
      clientFactory,
    });
    const payload = {
      executionId: EXECUTION_ID,
      accountId: o.accounts.prod,
      targetId: o.ous.prod,
      policyName: DEFAULT_POLICY_NAME,
      allowOrganizationalTarget: 'true',
      dryRun: 'false',
    };
    // moto has no Automation executions: the record of the execution, started in the tooling account and
    // approved there, is answered on the handler's own SSM client; Organizations and STS are moto's.
    const ssm = mockClient(clientFactory.client(SSMClient));
    ssm
      .on(GetAutomationExecutionCommand, { AutomationExecutionId: EXECUTION_ID })
      .resolves({ AutomationExecution: attachRecord(payload) });
    givenDeployedDocuments(ssm);

    const planned = await handler({ ...payload, dryRun: 'true' });
    const attached = await handler(payload);
    const again = await handler(payload);

    expect(planned.status).toBe('dry-run');
    expect(attached).toMatchObject({ status: 'attached', targetId: o.ous.prod });
    expect(again).toMatchObject({
      status: 'already-protected',
      policyId: (attached as AttachResult).policyId,
      targetId: o.ous.prod,
    });
    expect(await customerScps(o.org)).toHaveLength(1);
    expect((await judge(o.accounts.prod))?.complianceType).toBe('COMPLIANT');
  });
});
