import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import {
  AWSOrganizationsNotInUseException,
  ChildNotFoundException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
  type PolicyTypeStatus,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError, InvalidRuleParametersError } from '../../../lib/errors';
import { clearOrgCache, type OrganizationFacts, type PolicyFacts } from '../../../lib/org-tree';
import { parseRuleParameters } from '../../../lib/parameters';
import type { CollectContext, EvaluateContext } from '../../../lib/rule-handler';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-deny-scp/collect';
import {
  evaluate,
  type RootDenyScpFacts,
  type RootDenyScpParams,
} from '../../../rules/root-deny-scp/evaluate';
import { handler } from '../../../rules/root-deny-scp/handler';
import metadata from '../../../rules/root-deny-scp/rule.json';
import { scheduledEvent } from '../../helpers/config-events';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  NOTIFICATION_TIME,
  ORG_ID,
  ORG_ROOT_ID,
  REGION,
  RESULT_TOKEN,
} from '../../helpers/constants';
import {
  attached,
  DENY_ROOT_POLICY_ID,
  DENY_ROOT_SCP,
  FULL_AWS_ACCESS_SCP,
  LEGACY_DENY_ROOT_SCP,
  NARROWED_DENY_SCP,
  PARTIAL_DENY_SCP,
  policy,
  SCPS_BY_ID,
  SECOND_DENY_ROOT_POLICY_ID,
} from '../../helpers/scp';

const orgMock = mockClient(OrganizationsClient);
const configMock = mockClient(ConfigServiceClient);
const stsMock = mockClient(STSClient);

/** MEMBER_ACCOUNT → OU_1 → OU_2 → ORG_ROOT_ID; SIBLING_OU hangs off OU_2 next to OU_1. */
const OU_1 = 'ou-ab12-11111111';
const OU_2 = 'ou-ab12-22222222';
const SIBLING_OU = 'ou-ab12-33333333';
const MISSING_POLICY_ID = 'p-required01';
const ORG_READ_ROLE_ARN = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/RootGuardOrgRead`;
const ASSUMED = {
  AccessKeyId: 'ASIAASSUMEDORGREAD',
  SecretAccessKey: 'assumed-secret',
  SessionToken: 'token',
};

const CTX: EvaluateContext = {
  accountId: MEMBER_ACCOUNT,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
};
const NO_PARAMS: RootDenyScpParams = {};

const ORGANIZATION: OrganizationFacts = {
  id: ORG_ID,
  managementAccountId: MANAGEMENT_ACCOUNT,
  featureSet: 'ALL',
  scpEnabled: true,
};

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

const judge = (facts: RootDenyScpFacts, params = NO_PARAMS, ctx = CTX) => {
  const [evaluation, ...rest] = evaluate(facts, params, ctx);
  expect(rest).toEqual([]);
  return evaluation;
};

const account = (complianceType: string, annotation: string, accountId = MEMBER_ACCOUNT) => ({
  complianceResourceType: 'AWS::::Account',
  complianceResourceId: accountId,
  complianceType,
  annotation,
});

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

  it.each([
    ['RequiredPolicyIds', 'policy-1'],
    ['OrgReadRoleArn', 'RootGuardOrgRead'],
  ])('rejects %s=%s with InvalidRuleParametersError', (name, value) => {
    expect(() => parseRuleParameters(ruleMetadata, { [name]: value })).toThrow(InvalidRuleParametersError);
  });
});

// ---- collect and the handler: Organizations mocked at the SDK boundary ----

function mockOrganization(
  options: { featureSet?: 'ALL' | 'CONSOLIDATED_BILLING'; scpStatus?: PolicyTypeStatus | 'NONE' } = {},
) {
  orgMock.on(DescribeOrganizationCommand).resolves({
    Organization: {
      Id: ORG_ID,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORG_ID}`,
      MasterAccountId: MANAGEMENT_ACCOUNT,
      FeatureSet: options.featureSet ?? 'ALL',
    },
  });
  const scpStatus = options.scpStatus ?? 'ENABLED';
  orgMock.on(ListRootsCommand).resolves({
    Roots: [
      {
        Id: ORG_ROOT_ID,
        Name: 'Root',
        PolicyTypes: scpStatus === 'NONE' ? [] : [{ Type: 'SERVICE_CONTROL_POLICY', Status: scpStatus }],
      },
    ],
  });
}

function mockTree() {
  orgMock
    .on(ListParentsCommand, { ChildId: MEMBER_ACCOUNT })
    .resolves({ Parents: [{ Id: OU_1, Type: 'ORGANIZATIONAL_UNIT' }] })
    .on(ListParentsCommand, { ChildId: OU_1 })
    .resolves({ Parents: [{ Id: OU_2, Type: 'ORGANIZATIONAL_UNIT' }] })
    .on(ListParentsCommand, { ChildId: SIBLING_OU })
    .resolves({ Parents: [{ Id: OU_2, Type: 'ORGANIZATIONAL_UNIT' }] })
    .on(ListParentsCommand, { ChildId: OU_2 })
    .resolves({ Parents: [{ Id: ORG_ROOT_ID, Type: 'ROOT' }] });
}

/** ListPoliciesForTarget answers per target (none where not given); DescribePolicy answers from SCPS_BY_ID. */
function mockAttachments(byTarget: Record<string, PolicyFacts[]>) {
  orgMock.on(ListPoliciesForTargetCommand).resolves({ Policies: [] });
  for (const [targetId, policies] of Object.entries(byTarget)) {
    orgMock.on(ListPoliciesForTargetCommand, { TargetId: targetId }).resolves({
      Policies: policies.map((p) => ({
        Id: p.id,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:policy/${ORG_ID}/service_control_policy/${p.id}`,
        Name: p.name,
        Type: 'SERVICE_CONTROL_POLICY',
        AwsManaged: p.id === FULL_AWS_ACCESS_SCP.id,
      })),
    });
  }
  orgMock.on(DescribePolicyCommand).callsFake((input: { PolicyId: string }) => {
    const found = SCPS_BY_ID.get(input.PolicyId);
    if (!found) throw new Error(`test: no policy ${input.PolicyId}`);
    return {
      Policy: {
        PolicySummary: { Id: found.id, Name: found.name, Type: 'SERVICE_CONTROL_POLICY' },
        Content: found.content,
      },
    };
  });
}

/** The usual organization: FullAWSAccess on every node, the deny-root SCP on OU_2 (two levels above the account). */
function mockDenyRootTwoLevelsUp() {
  mockOrganization();
  mockTree();
  mockAttachments({
    [MEMBER_ACCOUNT]: [FULL_AWS_ACCESS_SCP],
    [OU_1]: [FULL_AWS_ACCESS_SCP],
    [OU_2]: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP],
    [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP],
  });
}

const sentEvaluations = () =>
  configMock.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

const sent = (
  complianceType: string,
  annotation: string | ReturnType<typeof expect.stringMatching>,
  accountId = MEMBER_ACCOUNT,
) => ({
  ComplianceResourceType: 'AWS::::Account',
  ComplianceResourceId: accountId,
  ComplianceType: complianceType,
  Annotation: annotation,
  OrderingTimestamp: new Date(NOTIFICATION_TIME),
});

const event = (ruleParameters?: Record<string, unknown>, accountId = MEMBER_ACCOUNT) =>
  scheduledEvent({ accountId, ...(ruleParameters ? { ruleParameters } : {}) });

beforeEach(() => {
  orgMock.reset();
  configMock.reset();
  stsMock.reset();
  clearOrgCache();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: { ...ASSUMED, Expiration: new Date(Date.now() + 60 * 60 * 1000) },
  });
});

describe('root-deny-scp collect', () => {
  const collectContext = (params = NO_PARAMS): CollectContext<RootDenyScpParams> => ({
    ...CTX,
    region: REGION,
    params,
    clients: new ClientFactory({ region: REGION }),
    accountCredentials: undefined,
  });

  it('returns the SCPs by attachment point, the account first and the organization root last', async () => {
    mockDenyRootTwoLevelsUp();

    await expect(collect(collectContext())).resolves.toEqual({
      organization: ORGANIZATION,
      accountInOrganization: true,
      chain: [
        attached('ACCOUNT', MEMBER_ACCOUNT, FULL_AWS_ACCESS_SCP),
        attached('ORGANIZATIONAL_UNIT', OU_1, FULL_AWS_ACCESS_SCP),
        attached('ORGANIZATIONAL_UNIT', OU_2, FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP),
        attached('ROOT', ORG_ROOT_ID, FULL_AWS_ACCESS_SCP),
      ],
    });
    expect(orgMock).toHaveReceivedCommandWith(ListPoliciesForTargetCommand, {
      TargetId: MEMBER_ACCOUNT,
      Filter: 'SERVICE_CONTROL_POLICY',
    });
  });
});

describe('root-deny-scp handler', () => {
  it('sends COMPLIANT naming the policy id and the OU when the deny-root SCP is two levels up', async () => {
    mockDenyRootTwoLevelsUp();

    await expect(handler(event())).resolves.toMatchObject({
      ruleId: 'root-deny-scp',
      accountId: MEMBER_ACCOUNT,
    });

    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', denyRootOn(`OU ${OU_2}`))]);
    expect(orgMock).toHaveReceivedCommandTimes(ListParentsCommand, 3);
  });

  it('describes a policy attached at several levels only once', async () => {
    mockOrganization();
    mockTree();
    mockAttachments({
      [MEMBER_ACCOUNT]: [FULL_AWS_ACCESS_SCP],
      [OU_1]: [FULL_AWS_ACCESS_SCP],
      [OU_2]: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP],
      [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP, DENY_ROOT_SCP],
    });

    await handler(event());

    expect(orgMock.commandCalls(DescribePolicyCommand).length).toBe(2);
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', denyRootOn(`OU ${OU_2}`))]);
  });

  it('sends NON_COMPLIANT when only a sibling OU has a deny-root SCP', async () => {
    mockOrganization();
    mockTree();
    mockAttachments({ [SIBLING_OU]: [DENY_ROOT_SCP], [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP] });

    await handler(event());

    expect(orgMock).not.toHaveReceivedCommandWith(ListPoliciesForTargetCommand, { TargetId: SIBLING_OU });
    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', NO_DENY_ROOT)]);
  });

  it('sends NOT_APPLICABLE for the management account without walking the tree', async () => {
    mockDenyRootTwoLevelsUp();

    await handler(event(undefined, MANAGEMENT_ACCOUNT));

    expect(orgMock).not.toHaveReceivedCommand(ListParentsCommand);
    expect(orgMock).not.toHaveReceivedCommand(ListPoliciesForTargetCommand);
    expect(sentEvaluations()).toEqual([
      sent(
        'NOT_APPLICABLE',
        `Account ${MANAGEMENT_ACCOUNT}: is the management account of ${ORG_ID}; SCPs never apply to it.`,
        MANAGEMENT_ACCOUNT,
      ),
    ]);
  });

  it('sends NON_COMPLIANT when Organizations is not in use', async () => {
    orgMock.on(DescribeOrganizationCommand).rejects(
      new AWSOrganizationsNotInUseException({
        message: 'Your account is not a member of an organization.',
        $metadata: {},
      }),
    );

    await expect(handler(event())).resolves.toBeDefined();

    expect(orgMock).not.toHaveReceivedCommand(ListRootsCommand);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: is in no AWS Organization, so no SCP can deny its root user.`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT "not a member" when ListParents does not know the account', async () => {
    mockOrganization();
    mockAttachments({});
    orgMock
      .on(ListParentsCommand)
      .rejects(
        new ChildNotFoundException({ message: 'We can’t find a root, OU, or account', $metadata: {} }),
      );

    await expect(handler(event())).resolves.toBeDefined();

    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: is not a member of organization ${ORG_ID}, which rootguard reads.`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the SCP policy type is not enabled', async () => {
    mockOrganization({ scpStatus: 'NONE' });
    mockTree();

    await handler(event());

    expect(orgMock).not.toHaveReceivedCommand(ListParentsCommand);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: the SCP policy type is not enabled in organization ${ORG_ID}.`,
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the organization has consolidated billing only', async () => {
    mockOrganization({ featureSet: 'CONSOLIDATED_BILLING', scpStatus: 'NONE' });
    mockTree();

    await handler(event());

    expect(orgMock).not.toHaveReceivedCommand(ListParentsCommand);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: organization ${ORG_ID} has no "all features", so SCPs are unavailable.`,
      ),
    ]);
  });

  it('counts only RequiredPolicyIds, naming the required deny-root SCP even when another is nearer', async () => {
    mockOrganization();
    mockTree();
    mockAttachments({ [OU_1]: [DENY_ROOT_SCP], [ORG_ROOT_ID]: [FULL_AWS_ACCESS_SCP, LEGACY_DENY_ROOT_SCP] });

    await handler(event({ RequiredPolicyIds: SECOND_DENY_ROOT_POLICY_ID }));

    expect(sentEvaluations()).toEqual([
      sent(
        'COMPLIANT',
        denyRootOn(`the organization root ${ORG_ROOT_ID}`, SECOND_DENY_ROOT_POLICY_ID, 'LegacyDenyRoot'),
      ),
    ]);
  });

  it('sends NON_COMPLIANT when the deny-root SCP is not among RequiredPolicyIds', async () => {
    mockDenyRootTwoLevelsUp();

    await handler(event({ RequiredPolicyIds: `${MISSING_POLICY_ID},${SECOND_DENY_ROOT_POLICY_ID}` }));

    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: SCP ${DENY_ROOT_POLICY_ID} (DenyRootUser) on OU ${OU_2} denies root but is not in RequiredPolicyIds (${MISSING_POLICY_ID}, ${SECOND_DENY_ROOT_POLICY_ID}).`,
      ),
    ]);
  });

  it('reads Organizations through the OrgReadRoleArn role', async () => {
    mockDenyRootTwoLevelsUp();

    await handler(event({ OrgReadRoleArn: ORG_READ_ROLE_ARN }));

    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ORG_READ_ROLE_ARN,
      RoleSessionName: 'rootguard-org-read',
    });
    const orgClient = orgMock.commandCalls(DescribeOrganizationCommand)[0]?.thisValue as OrganizationsClient;
    await expect(orgClient.config.credentials()).resolves.toMatchObject({ accessKeyId: ASSUMED.AccessKeyId });
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', denyRootOn(`OU ${OU_2}`))]);
  });

  it('sends NON_COMPLIANT and rejects with AccessDeniedError when ListPoliciesForTarget is denied', async () => {
    mockOrganization();
    mockTree();
    orgMock.on(ListPoliciesForTargetCommand).rejects(
      Object.assign(new Error('You don’t have permissions to access this resource.'), {
        name: 'AccessDeniedException',
      }),
    );

    await expect(handler(event())).rejects.toBeInstanceOf(AccessDeniedError);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        expect.stringMatching(
          new RegExp(
            `^Account ${MEMBER_ACCOUNT}: could not be evaluated, Access denied calling organizations:ListPoliciesForTarget in account ${MEMBER_ACCOUNT} \\(AccessDeniedException: .*\\)\\.$`,
          ),
        ),
      ),
    ]);
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for RequiredPolicyIds "policy-1"', async () => {
    await expect(handler(event({ RequiredPolicyIds: 'policy-1' }))).rejects.toBeInstanceOf(
      InvalidRuleParametersError,
    );
    expect(orgMock).not.toHaveReceivedAnyCommand();
    expect(sentEvaluations()).toEqual([
      sent('NON_COMPLIANT', expect.stringContaining('RequiredPolicyIds="policy-1"')),
    ]);
  });
});
