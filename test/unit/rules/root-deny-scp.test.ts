import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  InvalidRuleParametersError,
  MalformedOrgSnapshotError,
  OrgSnapshotUnavailableError,
} from '../../../lib/errors';
import type { OrganizationFacts, PolicyFacts } from '../../../lib/org-tree';
import { parseRuleParameters } from '../../../lib/parameters';
import type { EvaluateContext } from '../../../lib/rule-handler';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-deny-scp/collect';
import {
  evaluate,
  type RootDenyScpFacts,
  type RootDenyScpParams,
} from '../../../rules/root-deny-scp/evaluate';
import { handler } from '../../../rules/root-deny-scp/handler';
import metadata from '../../../rules/root-deny-scp/rule.json';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  ORG_ROOT_ID,
  OTHER_ACCOUNT,
  RESULT_TOKEN,
} from '../../helpers/constants';
import { orgSnapshotFixture, SNAPSHOT_ORGANIZATION, s3Object } from '../../helpers/org-snapshot';
import {
  accountEvaluation as account,
  EVALUATE_CONTEXT as CTX,
  collectContext,
  deployedIn,
  expectParametersRefused,
  judgeOne,
  sentEvaluation as sent,
  useRuleHarness,
} from '../../helpers/rule-harness';
import {
  attached,
  DENY_ROOT_POLICY_ID,
  DENY_ROOT_SCP,
  FULL_AWS_ACCESS_SCP,
  LEGACY_DENY_ROOT_SCP,
  NARROWED_DENY_SCP,
  PARTIAL_DENY_SCP,
  policy,
  SECOND_DENY_ROOT_POLICY_ID,
} from '../../helpers/scp';

/** MEMBER_ACCOUNT → OU_1 → OU_2 → ORG_ROOT_ID; SIBLING_OU hangs off OU_2 next to OU_1. */
const OU_1 = 'ou-ab12-11111111';
const OU_2 = 'ou-ab12-22222222';
const SIBLING_OU = 'ou-ab12-33333333';
const MISSING_POLICY_ID = 'p-required01';
/** Older than the snapshot's default maximum age (180 minutes). */
const STALE_BUILT_AT = new Date(Date.now() - 4 * 60 * 60 * 1000).toISOString();

const NO_PARAMS: RootDenyScpParams = {};

const ORGANIZATION: OrganizationFacts = SNAPSHOT_ORGANIZATION;

/** Facts for MEMBER_ACCOUNT with `policies` at each level of its chain (account, OU_1, OU_2, root). */
function chainFacts(levels: {
  account?: PolicyFacts[];
  ou1?: PolicyFacts[];
  ou2?: PolicyFacts[];
  root?: PolicyFacts[];
}): RootDenyScpFacts {
  return {
    organization: ORGANIZATION,
    accountInOrganization: true,
    chain: [
      attached('ACCOUNT', MEMBER_ACCOUNT, ...(levels.account ?? [])),
      attached('ORGANIZATIONAL_UNIT', OU_1, ...(levels.ou1 ?? [])),
      attached('ORGANIZATIONAL_UNIT', OU_2, ...(levels.ou2 ?? [])),
      attached('ROOT', ORG_ROOT_ID, ...(levels.root ?? [FULL_AWS_ACCESS_SCP])),
    ],
  };
}

const judge = (facts: RootDenyScpFacts, params = NO_PARAMS, ctx = CTX) =>
  judgeOne(evaluate, facts, params, ctx);

const NO_DENY_ROOT = `Account ${MEMBER_ACCOUNT}: no SCP on the account, its OUs or the organization root denies all actions to root.`;
const denyRootOn = (where: string, id = DENY_ROOT_POLICY_ID, name = 'DenyRootUser') =>
  `Account ${MEMBER_ACCOUNT}: SCP ${id} (${name}) on ${where} denies all actions to the root user.`;

describe('root-deny-scp evaluate', () => {
  it.each([
    ['the account itself', { account: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP] }],
    [`OU ${OU_2}`, { ou2: [DENY_ROOT_SCP] }],
    [`the organization root ${ORG_ROOT_ID}`, { root: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP] }],
  ])('returns COMPLIANT naming the policy when a deny-root SCP is attached to %s', (where, levels) => {
    expect(judge(chainFacts(levels))).toEqual(account('COMPLIANT', denyRootOn(where)));
  });

  it('names the nearest deny-root SCP when several apply', () => {
    const facts = chainFacts({ ou1: [DENY_ROOT_SCP], root: [FULL_AWS_ACCESS_SCP, LEGACY_DENY_ROOT_SCP] });

    expect(judge(facts)).toEqual(
      account(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: SCP ${DENY_ROOT_POLICY_ID} (DenyRootUser) on OU ${OU_1} denies all actions to the root user (and 1 more).`,
      ),
    );
  });

  it('returns NON_COMPLIANT when the only deny-root SCP is not among RequiredPolicyIds', () => {
    const facts = chainFacts({ ou2: [DENY_ROOT_SCP] });

    expect(judge(facts, { RequiredPolicyIds: [MISSING_POLICY_ID] })).toEqual(
      account(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: SCP ${DENY_ROOT_POLICY_ID} (DenyRootUser) on OU ${OU_2} denies root but is not in RequiredPolicyIds (${MISSING_POLICY_ID}).`,
      ),
    );
  });

  it('returns NON_COMPLIANT saying why when an SCP targets root but denies only some actions or is narrowed', () => {
    expect(judge(chainFacts({ ou1: [PARTIAL_DENY_SCP] }))).toEqual(
      account(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: no SCP denies all actions to root; ${PARTIAL_DENY_SCP.id} (DenyRootIam) on OU ${OU_1} denies only iam:*, organizations:* to root.`,
      ),
    );
    expect(judge(chainFacts({ account: [NARROWED_DENY_SCP] }))).toEqual(
      account(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: no SCP denies all actions to root; ${NARROWED_DENY_SCP.id} (DenyRootUsEast1) on the account itself targets root but it is narrowed by other conditions (StringEquals aws:RequestedRegion).`,
      ),
    );
  });

  it('returns NON_COMPLIANT when no SCP targets root', () => {
    const facts = chainFacts({ account: [FULL_AWS_ACCESS_SCP], ou1: [FULL_AWS_ACCESS_SCP] });

    expect(judge(facts)).toEqual(account('NON_COMPLIANT', NO_DENY_ROOT));
  });

  it('returns NOT_APPLICABLE for the management account', () => {
    const facts: RootDenyScpFacts = { organization: ORGANIZATION, accountInOrganization: true, chain: [] };

    expect(judge(facts, NO_PARAMS, { ...CTX, accountId: MANAGEMENT_ACCOUNT })).toEqual(
      account(
        'NOT_APPLICABLE',
        `Account ${MANAGEMENT_ACCOUNT}: is the management account of ${ORG_ID}; SCPs never apply to it.`,
        MANAGEMENT_ACCOUNT,
      ),
    );
  });

  it.each([
    [
      'the account is in no organization',
      { organization: null, accountInOrganization: false, chain: [] },
      'is in no AWS Organization, so no SCP can deny its root user.',
    ],
    [
      'the organization has consolidated billing only',
      {
        organization: { ...ORGANIZATION, featureSet: 'CONSOLIDATED_BILLING', scpEnabled: false },
        accountInOrganization: true,
        chain: [],
      },
      `organization ${ORG_ID} has no "all features", so SCPs are unavailable.`,
    ],
    [
      'the SCP policy type is disabled',
      { organization: { ...ORGANIZATION, scpEnabled: false }, accountInOrganization: true, chain: [] },
      `the SCP policy type is not enabled in organization ${ORG_ID}.`,
    ],
    [
      'the account is not in the organization',
      { organization: ORGANIZATION, accountInOrganization: false, chain: [] },
      `is not a member of organization ${ORG_ID}, which rootguard reads.`,
    ],
  ] as Array<[string, RootDenyScpFacts, string]>)('returns NON_COMPLIANT when %s', (_case, facts, reason) => {
    expect(judge(facts)).toEqual(account('NON_COMPLIANT', `Account ${MEMBER_ACCOUNT}: ${reason}`));
  });

  it('judges the policy against the root ARN of the account’s partition', () => {
    const chinaDenyRoot = policy(
      'p-denyrootcn',
      'DenyRootChina',
      DENY_ROOT_SCP.content.replace('arn:aws:iam::*:root', 'arn:aws-cn:iam::*:root'),
    );
    const china: EvaluateContext = { ...CTX, partition: 'aws-cn' };

    expect(judge(chainFacts({ ou2: [chinaDenyRoot] }), NO_PARAMS, china)?.complianceType).toBe('COMPLIANT');
    expect(judge(chainFacts({ ou2: [DENY_ROOT_SCP] }), NO_PARAMS, china)?.complianceType).toBe(
      'NON_COMPLIANT',
    );
  });
});

describe('root-deny-scp parameters', () => {
  const ruleMetadata = loadRuleMetadata(metadata);

  it('reads RequiredPolicyIds as a comma-separated list', () => {
    expect(
      parseRuleParameters(ruleMetadata, {
        RequiredPolicyIds: `${DENY_ROOT_POLICY_ID}, ${SECOND_DENY_ROOT_POLICY_ID}`,
      }),
    ).toMatchObject({ RequiredPolicyIds: [DENY_ROOT_POLICY_ID, SECOND_DENY_ROOT_POLICY_ID] });
  });

  it('rejects RequiredPolicyIds=policy-1 with InvalidRuleParametersError', () => {
    expect(() => parseRuleParameters(ruleMetadata, { RequiredPolicyIds: 'policy-1' })).toThrow(
      InvalidRuleParametersError,
    );
  });

  it('no longer takes OrgReadRoleArn: the snapshot builder reads Organizations with its own role', () => {
    expect(() =>
      parseRuleParameters(ruleMetadata, {
        OrgReadRoleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/OrgRead`,
      }),
    ).toThrow(/unknown parameter\(s\) OrgReadRoleArn/);
  });
});

// ---- collect and the handler: the organization snapshot in a mocked S3 object ----

/** MEMBER_ACCOUNT under OU_1 under OU_2 under the root; SIBLING_OU next to OU_1; FullAWSAccess everywhere. */
function treeSnapshot(
  attachedTo: Record<string, PolicyFacts[]> = {},
  organization: OrganizationFacts | null = ORGANIZATION,
) {
  const targets = new Map<string, { policy: PolicyFacts; targets: string[] }>();
  for (const [targetId, policies] of Object.entries(attachedTo)) {
    for (const p of policies) {
      const entry = targets.get(p.id) ?? { policy: p, targets: [] };
      entry.targets.push(targetId);
      targets.set(p.id, entry);
    }
  }
  return orgSnapshotFixture({
    organization,
    accountsIn: { [OU_1]: [MEMBER_ACCOUNT] },
    ous: { [OU_2]: ORG_ROOT_ID, [OU_1]: OU_2, [SIBLING_OU]: OU_2 },
    attached: [...targets.values()],
  });
}

/** The usual organization: FullAWSAccess on every node, the deny-root SCP on OU_2 (two levels above the account). */
const DENY_ROOT_TWO_LEVELS_UP = {
  [MEMBER_ACCOUNT]: [FULL_AWS_ACCESS_SCP],
  [OU_1]: [FULL_AWS_ACCESS_SCP],
  [OU_2]: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP],
  [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP],
};

const rule = useRuleHarness(handler, { orgSnapshot: () => treeSnapshot(DENY_ROOT_TWO_LEVELS_UP) });
const orgMock = rule.mock(OrganizationsClient);

describe('root-deny-scp collect', () => {
  const context = () =>
    collectContext(NO_PARAMS, { orgSnapshot: async () => treeSnapshot(DENY_ROOT_TWO_LEVELS_UP) });

  it('returns the SCPs by attachment point from the snapshot, the account first and the organization root last', async () => {
    await expect(collect(context())).resolves.toEqual({
      organization: ORGANIZATION,
      accountInOrganization: true,
      chain: [
        attached('ACCOUNT', MEMBER_ACCOUNT, FULL_AWS_ACCESS_SCP),
        attached('ORGANIZATIONAL_UNIT', OU_1, FULL_AWS_ACCESS_SCP),
        attached('ORGANIZATIONAL_UNIT', OU_2, FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP),
        attached('ROOT', ORG_ROOT_ID, FULL_AWS_ACCESS_SCP),
      ],
    });
    expect(orgMock).not.toHaveReceivedAnyCommand();
  });

  it('reports an account the snapshot does not list as outside the organization, with no chain', async () => {
    await expect(collect({ ...context(), accountId: OTHER_ACCOUNT })).resolves.toEqual({
      organization: ORGANIZATION,
      accountInOrganization: false,
      chain: [],
    });
  });
});

describe('root-deny-scp handler', () => {
  it('sends COMPLIANT naming the policy id and the OU when the deny-root SCP is two levels up', async () => {
    await expect(rule.invoke()).resolves.toMatchObject({
      result: { ruleId: 'root-deny-scp', accountId: MEMBER_ACCOUNT },
    });

    expect(rule.config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(rule.sent()).toEqual([sent('COMPLIANT', denyRootOn(`OU ${OU_2}`))]);
  });

  it('reads the snapshot object once and calls no Organizations API', async () => {
    await rule.invoke();

    expect(rule.org.s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
    expect(orgMock).not.toHaveReceivedAnyCommand();
    expect(rule.sts).not.toHaveReceivedAnyCommand();
  });

  it('names a policy attached at several levels once, at the nearest', async () => {
    rule.org.set(
      treeSnapshot({ ...DENY_ROOT_TWO_LEVELS_UP, [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP] }),
    );

    await rule.invoke();

    expect(rule.sent()).toEqual([sent('COMPLIANT', denyRootOn(`OU ${OU_2}`))]);
  });

  it('sends NON_COMPLIANT when only a sibling OU has a deny-root SCP', async () => {
    rule.org.set(treeSnapshot({ [SIBLING_OU]: [DENY_ROOT_SCP], [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP] }));

    await rule.invoke();

    expect(rule.sent()).toEqual([sent('NON_COMPLIANT', NO_DENY_ROOT)]);
  });

  it('sends NOT_APPLICABLE for the management account', async () => {
    await rule.invoke({ accountId: MANAGEMENT_ACCOUNT });

    expect(rule.sent()).toEqual([
      sent(
        'NOT_APPLICABLE',
        `Account ${MANAGEMENT_ACCOUNT}: is the management account of ${ORG_ID}; SCPs never apply to it.`,
        MANAGEMENT_ACCOUNT,
      ),
    ]);
  });

  it('sends NON_COMPLIANT for its own account when the snapshot saw no organization (single-account mode)', async () => {
    rule.org.set(treeSnapshot({}, null));

    await expect(rule.invoke({ context: deployedIn(MEMBER_ACCOUNT) })).resolves.toBeDefined();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: is in no AWS Organization, so no SCP can deny its root user.`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT "not a member" for its own account when the organization does not list it', async () => {
    await rule.invoke({ accountId: OTHER_ACCOUNT, context: deployedIn(OTHER_ACCOUNT) });

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${OTHER_ACCOUNT}: is not a member of organization ${ORG_ID}, which rootguard reads.`,
        OTHER_ACCOUNT,
      ),
    ]);
  });

  it('refuses, sending nothing, another account the organization does not list', async () => {
    await expect(rule.invoke({ accountId: OTHER_ACCOUNT })).resolves.toMatchObject({
      result: { evaluations: [] },
    });

    expect(rule.config).not.toHaveReceivedAnyCommand();
  });

  it('sends NON_COMPLIANT when the SCP policy type is not enabled', async () => {
    rule.org.set(treeSnapshot(DENY_ROOT_TWO_LEVELS_UP, { ...ORGANIZATION, scpEnabled: false }));

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: the SCP policy type is not enabled in organization ${ORG_ID}.`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the organization has consolidated billing only', async () => {
    rule.org.set(
      orgSnapshotFixture({
        organization: { ...ORGANIZATION, featureSet: 'CONSOLIDATED_BILLING', scpEnabled: false },
        members: [MEMBER_ACCOUNT],
      }),
    );

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: organization ${ORG_ID} has no "all features", so SCPs are unavailable.`,
      ),
    ]);
  });

  it('counts only RequiredPolicyIds, naming the required deny-root SCP even when another is nearer', async () => {
    rule.org.set(
      treeSnapshot({ [OU_1]: [DENY_ROOT_SCP], [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP, LEGACY_DENY_ROOT_SCP] }),
    );

    await rule.invoke({ ruleParameters: { RequiredPolicyIds: SECOND_DENY_ROOT_POLICY_ID } });

    expect(rule.sent()).toEqual([
      sent(
        'COMPLIANT',
        denyRootOn(`the organization root ${ORG_ROOT_ID}`, SECOND_DENY_ROOT_POLICY_ID, 'LegacyDenyRoot'),
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the deny-root SCP is not among RequiredPolicyIds', async () => {
    await rule.invoke({
      ruleParameters: { RequiredPolicyIds: `${MISSING_POLICY_ID},${SECOND_DENY_ROOT_POLICY_ID}` },
    });

    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: SCP ${DENY_ROOT_POLICY_ID} (DenyRootUser) on OU ${OU_2} denies root but is not in RequiredPolicyIds (${MISSING_POLICY_ID}, ${SECOND_DENY_ROOT_POLICY_ID}).`,
      ),
    ]);
  });

  it('rejects with OrgSnapshotUnavailableError and sends nothing when the stored snapshot is stale and no builder can be asked', async () => {
    rule.org.set({ ...treeSnapshot(DENY_ROOT_TWO_LEVELS_UP), builtAt: STALE_BUILT_AT });

    await expect(rule.invoke()).rejects.toBeInstanceOf(OrgSnapshotUnavailableError);

    expect(rule.config).not.toHaveReceivedAnyCommand();
  });

  it('rejects with MalformedOrgSnapshotError and sends nothing when the stored object is not a snapshot', async () => {
    rule.org.s3Mock.on(GetObjectCommand).resolves(s3Object(JSON.stringify({ version: 2 })));

    await expect(rule.invoke()).rejects.toBeInstanceOf(MalformedOrgSnapshotError);

    expect(rule.config).not.toHaveReceivedAnyCommand();
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for RequiredPolicyIds "policy-1"', async () => {
    const outcome = await rule.invokeRejected({ ruleParameters: { RequiredPolicyIds: 'policy-1' } });

    expectParametersRefused(outcome, expect.stringContaining('RequiredPolicyIds="policy-1"'));
    expect(orgMock).not.toHaveReceivedAnyCommand();
  });
});
