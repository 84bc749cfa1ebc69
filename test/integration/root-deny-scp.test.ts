/**
 * root-deny-scp against a real Organizations emulation (moto_server): the organization snapshot is built
 * over HTTP with real SDK clients, and the rule's own collect and pure evaluate judge it.
 */

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CANONICAL_DENY_ROOT_POLICY } from '../../lib/deny-root-policy';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import { createRuleHandler } from '../../lib/rule-handler';
import { collect } from '../../rules/root-deny-scp/collect';
import { evaluate } from '../../rules/root-deny-scp/evaluate';
import metadata from '../../rules/root-deny-scp/rule.json';
import { scheduledEvent } from '../helpers/config-events';
import {
  attachScp as attach,
  createWorkloadsOrganization,
  EMULATED_MANAGEMENT_ACCOUNT,
  expectEvaluation,
  judgeFromSnapshot,
  judgeRootDenyScp,
} from '../helpers/emulated-org';
import { EMULATOR_REGION, emulatorClientFactory, resetEmulator } from '../helpers/emulator';
import { staticOrgSnapshotReader } from '../helpers/org-snapshot';

const MANAGEMENT = EMULATED_MANAGEMENT_ACCOUNT;
const PARTIAL_DENY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Action: ['iam:*', 'organizations:*'],
      Resource: '*',
      Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } },
    },
  ],
};

const judge = judgeRootDenyScp;

describe('root-deny-scp against an emulated organization', () => {
  beforeEach(async () => {
    await resetEmulator();
  });

  it('returns COMPLIANT for an account three OUs deep when the deny-root SCP is attached two levels up', async () => {
    const o = await createWorkloadsOrganization();
    const policyId = await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.ous.workloads);
    await expectEvaluation(judge(o.accounts.payments), 'COMPLIANT', policyId, `OU ${o.ous.workloads}`);
  });

  it('returns NON_COMPLIANT for an account in a sibling OU without the SCP', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.ous.workloads);
    await expectEvaluation(judge(o.accounts.sandbox), 'NON_COMPLIANT', 'no SCP');
  });

  it('returns COMPLIANT for every member when the SCP is attached to the organization root', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.rootId);
    for (const account of Object.values(o.accounts)) {
      await expectEvaluation(judge(account), 'COMPLIANT', `organization root ${o.rootId}`);
    }
  });

  it('returns COMPLIANT when the SCP is attached to the account itself', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.accounts.prod);
    expect((await judge(o.accounts.prod))?.annotation).toContain('the account itself');
    expect((await judge(o.accounts.payments))?.complianceType).toBe('NON_COMPLIANT');
  });

  it('returns NON_COMPLIANT with the reason when the only SCP above the account denies root some actions', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'partial-deny', PARTIAL_DENY, o.ous.prod);
    await expectEvaluation(judge(o.accounts.payments), 'NON_COMPLIANT', 'denies only iam:*, organizations:*');
  });

  it('returns NOT_APPLICABLE for the management account even with the SCP on the root', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.rootId);
    await expectEvaluation(judge(MANAGEMENT), 'NOT_APPLICABLE');
  });

  it('returns NON_COMPLIANT when the SCP policy type is not enabled on the root', async () => {
    const o = await createWorkloadsOrganization(false);
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.rootId);
    await expectEvaluation(judge(o.accounts.payments), 'NON_COMPLIANT', 'not enabled');
  });

  it('honours RequiredPolicyIds', async () => {
    const o = await createWorkloadsOrganization();
    const other = await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.ous.workloads);
    await expectEvaluation(
      judge(o.accounts.payments, { RequiredPolicyIds: ['p-abcdefgh12'] }),
      'NON_COMPLIANT',
      `${other} (deny-root)`,
    );
  });

  it('builds the snapshot through a read role in the management account from a tooling account', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.ous.prod);
    const tooling = emulatorClientFactory(EMULATOR_REGION, o.accounts.sandbox);
    const credentials = await tooling.assumeRole(
      `arn:aws:iam::${MANAGEMENT}:role/RootGuardOrgRead`,
      'rootguard-org-snapshot',
    );
    const snapshot = await buildOrgSnapshot(tooling.client(OrganizationsClient, { credentials }));
    const result = await judgeFromSnapshot(snapshot, o.accounts.payments);
    expect(result?.complianceType).toBe('COMPLIANT');
  });

  it('sends the evaluation through the real PutEvaluations client in TestMode', async () => {
    const o = await createWorkloadsOrganization();
    await attach(o.org, 'deny-root', CANONICAL_DENY_ROOT_POLICY, o.ous.workloads);
    const clientFactory = emulatorClientFactory(EMULATOR_REGION, MANAGEMENT);
    const snapshot = await buildOrgSnapshot(clientFactory.client(OrganizationsClient));
    const handler = createRuleHandler(
      { metadata, collect, evaluate },
      { clientFactory, orgSnapshotReader: staticOrgSnapshotReader(snapshot) },
    );
    const out = await handler(
      scheduledEvent({ accountId: o.accounts.payments, region: EMULATOR_REGION, resultToken: 'TESTMODE' }),
    );
    expect(out.evaluations).toEqual([expect.objectContaining({ complianceType: 'COMPLIANT' })]);
  });
});
