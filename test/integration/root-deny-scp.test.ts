/**
 * root-deny-scp against a real Organizations emulation (moto_server): the organization snapshot is built
 * over HTTP with real SDK clients, and the rule's own collect and pure evaluate judge it.
 */

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CANONICAL_DENY_ROOT_POLICY } from '../../lib/deny-root-policy';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import { createRuleHandler } from '../../lib/rule-handler';
import { collect } from '../../rules/root-deny-scp/collect';
import { evaluate, type RootDenyScpParams } from '../../rules/root-deny-scp/evaluate';
import metadata from '../../rules/root-deny-scp/rule.json';
import { scheduledEvent } from '../helpers/config-events';
import {
  attachScp as attach,
  createWorkloadsOrganization,
  EMULATED_MANAGEMENT_ACCOUNT,
  expectEvaluation,
  judgeFromSnapshot,
  judgeRootDenyScp,
  type WorkloadsOrganization,
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

  // One SCP attached somewhere in the tree, one account judged: where it is attached decides the verdict.
  it.each<{
    name: string;
    scpsEnabled?: boolean;
    policy?: object;
    target: (o: WorkloadsOrganization) => string;
    account: (o: WorkloadsOrganization) => string;
    params?: RootDenyScpParams;
    expected: string;
    says?: (o: WorkloadsOrganization, policyId: string) => string[];
  }>([
    {
      name: 'returns COMPLIANT for an account three OUs deep when the deny-root SCP is attached two levels up',
      target: (o) => o.ous.workloads,
      account: (o) => o.accounts.payments,
      expected: 'COMPLIANT',
      says: (o, policyId) => [policyId, `OU ${o.ous.workloads}`],
    },
    {
      name: 'returns NON_COMPLIANT for an account in a sibling OU without the SCP',
      target: (o) => o.ous.workloads,
      account: (o) => o.accounts.sandbox,
      expected: 'NON_COMPLIANT',
      says: () => ['no SCP'],
    },
    {
      name: 'returns NON_COMPLIANT with the reason when the only SCP above the account denies root some actions',
      policy: PARTIAL_DENY,
      target: (o) => o.ous.prod,
      account: (o) => o.accounts.payments,
      expected: 'NON_COMPLIANT',
      says: () => ['denies only iam:*, organizations:*'],
    },
    {
      name: 'returns NOT_APPLICABLE for the management account even with the SCP on the root',
      target: (o) => o.rootId,
      account: () => MANAGEMENT,
      expected: 'NOT_APPLICABLE',
    },
    {
      name: 'returns NON_COMPLIANT when the SCP policy type is not enabled on the root',
      scpsEnabled: false,
      target: (o) => o.rootId,
      account: (o) => o.accounts.payments,
      expected: 'NON_COMPLIANT',
      says: () => ['not enabled'],
    },
    {
      name: 'honours RequiredPolicyIds',
      target: (o) => o.ous.workloads,
      account: (o) => o.accounts.payments,
      params: { RequiredPolicyIds: ['p-abcdefgh12'] },
      expected: 'NON_COMPLIANT',
      says: (_o, policyId) => [`${policyId} (deny-root)`],
    },
  ])('$name', async ({ scpsEnabled = true, policy, target, account, params, expected, says }) => {
    const o = await createWorkloadsOrganization(scpsEnabled);
    const name = policy ? 'partial-deny' : 'deny-root';
    const policyId = await attach(o.org, name, policy ?? CANONICAL_DENY_ROOT_POLICY, target(o));

    await expectEvaluation(judge(account(o), params), expected, ...(says?.(o, policyId) ?? []));
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
