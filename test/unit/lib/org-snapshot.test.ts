import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesCommand,
  ListTargetsForPolicyCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  AccessDeniedError,
  CollectError,
  RepeatedPageTokenError,
  RootGuardError,
  ThrottlingError,
} from '../../../lib/errors';
import {
  buildOrgSnapshot,
  isOrganizationMember,
  type OrgSnapshot,
  parseOrgSnapshot,
  scpChainFromSnapshot,
} from '../../../lib/org-snapshot';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  NOTIFICATION_TIME,
  ORG_ID,
  ORG_ROOT_ID,
  OTHER_ACCOUNT,
  OU_PROD,
  OU_WORKLOADS,
} from '../../helpers/constants';
import { FakeOrganization, installFakeOrganizations, PAGE_SIZE } from '../../helpers/fake-organizations';
import { orgSnapshotFixture, SNAPSHOT_ORGANIZATION } from '../../helpers/org-snapshot';
import { attached, DENY_ROOT_SCP, FULL_AWS_ACCESS_SCP, PARTIAL_DENY_SCP } from '../../helpers/scp';
import { useMockedClient } from '../../helpers/sdk-mocks';

const { client, mock: orgMock } = useMockedClient(OrganizationsClient, 'us-east-1');
const BUILD_STARTED = new Date(NOTIFICATION_TIME);

/** root → OU_WORKLOADS → OU_PROD → MEMBER_ACCOUNT; DENY_ROOT on OU_WORKLOADS, FullAWSAccess on the root. */
function smallOrganization(organization = SNAPSHOT_ORGANIZATION): FakeOrganization {
  const org = new FakeOrganization(organization, ORG_ROOT_ID);
  org.addOu(OU_WORKLOADS, ORG_ROOT_ID);
  org.addOu(OU_PROD, OU_WORKLOADS);
  org.addAccount(MEMBER_ACCOUNT, OU_PROD);
  org.definePolicy(FULL_AWS_ACCESS_SCP.id, FULL_AWS_ACCESS_SCP.name, FULL_AWS_ACCESS_SCP.content);
  org.definePolicy(DENY_ROOT_SCP.id, DENY_ROOT_SCP.name, DENY_ROOT_SCP.content);
  org.attach(FULL_AWS_ACCESS_SCP.id, ORG_ROOT_ID);
  org.attach(DENY_ROOT_SCP.id, OU_WORKLOADS);
  return org;
}

const build = (counter = { calls: 0 }) => buildOrgSnapshot(client, { now: () => BUILD_STARTED, counter });

const awsError = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

describe('buildOrgSnapshot', () => {
  it('reads the organization top-down into accounts, OUs and SCPs with their targets, built at the start time', async () => {
    installFakeOrganizations(orgMock, smallOrganization());

    await expect(build()).resolves.toEqual({
      version: 1,
      builtAt: NOTIFICATION_TIME,
      organization: SNAPSHOT_ORGANIZATION,
      rootId: ORG_ROOT_ID,
      accounts: {
        [MANAGEMENT_ACCOUNT]: { parentId: ORG_ROOT_ID, name: `name-${MANAGEMENT_ACCOUNT}`, status: 'ACTIVE' },
        [MEMBER_ACCOUNT]: { parentId: OU_PROD, name: `name-${MEMBER_ACCOUNT}`, status: 'ACTIVE' },
      },
      ous: {
        [OU_WORKLOADS]: { parentId: ORG_ROOT_ID, name: `name-${OU_WORKLOADS}` },
        [OU_PROD]: { parentId: OU_WORKLOADS, name: `name-${OU_PROD}` },
      },
      policies: {
        [FULL_AWS_ACCESS_SCP.id]: {
          name: FULL_AWS_ACCESS_SCP.name,
          content: FULL_AWS_ACCESS_SCP.content,
          targets: [ORG_ROOT_ID],
        },
        [DENY_ROOT_SCP.id]: {
          name: DENY_ROOT_SCP.name,
          content: DENY_ROOT_SCP.content,
          targets: [OU_WORKLOADS],
        },
      },
    } satisfies OrgSnapshot);
    expect(orgMock).toHaveReceivedCommandWith(ListPoliciesCommand, { Filter: 'SERVICE_CONTROL_POLICY' });
  });

  it('follows NextToken on every list and counts every call', async () => {
    const org = smallOrganization();
    const accounts = Array.from({ length: 2 * PAGE_SIZE + 5 }, (_, i) => String(600_000_000_000 + i));
    for (const id of accounts) org.addAccount(id, OU_PROD);
    for (let i = 0; i < PAGE_SIZE + 3; i++)
      org.addOu(`ou-ab12-wide${String(i).padStart(4, '0')}`, OU_WORKLOADS);
    for (let i = 0; i < PAGE_SIZE + 1; i++)
      org.definePolicy(`p-extra${String(i).padStart(5, '0')}`, `x${i}`, '{}');
    for (const id of accounts) org.attach(DENY_ROOT_SCP.id, id);
    installFakeOrganizations(orgMock, org);
    const counter = { calls: 0 };

    const snapshot = await build(counter);

    expect(Object.keys(snapshot.accounts)).toHaveLength(accounts.length + 2);
    expect(Object.keys(snapshot.ous)).toHaveLength(PAGE_SIZE + 5);
    expect(Object.keys(snapshot.policies)).toHaveLength(PAGE_SIZE + 3);
    expect(snapshot.policies[DENY_ROOT_SCP.id]?.targets).toEqual([OU_WORKLOADS, ...accounts]);
    expect(orgMock.commandCalls(ListAccountsForParentCommand, { ParentId: OU_PROD })).toHaveLength(3);
    expect(
      orgMock.commandCalls(ListOrganizationalUnitsForParentCommand, { ParentId: OU_WORKLOADS }),
    ).toHaveLength(2);
    expect(orgMock.commandCalls(ListPoliciesCommand)).toHaveLength(2);
    expect(orgMock.commandCalls(ListTargetsForPolicyCommand, { PolicyId: DENY_ROOT_SCP.id })).toHaveLength(3);
    expect(counter.calls).toBe(orgMock.calls().length);
  });

  it('rejects with RepeatedPageTokenError naming the action when a list hands back a token it gave before', async () => {
    installFakeOrganizations(orgMock, smallOrganization());
    orgMock.on(ListAccountsForParentCommand).resolves({ Accounts: [], NextToken: 'same-token' });

    const promise = build();

    await expect(promise).rejects.toBeInstanceOf(RepeatedPageTokenError);
    await expect(promise).rejects.toMatchObject({ action: 'organizations:ListAccountsForParent' });
  });

  it.each([
    ['SCPs are disabled', { ...SNAPSHOT_ORGANIZATION, scpEnabled: false }],
    [
      'the organization has consolidated billing only',
      { ...SNAPSHOT_ORGANIZATION, featureSet: 'CONSOLIDATED_BILLING', scpEnabled: false },
    ],
  ])('reads the accounts for membership but no policy when %s', async (_case, organization) => {
    installFakeOrganizations(orgMock, smallOrganization(organization));

    const snapshot = await build();

    expect(snapshot).toMatchObject({ organization, policies: {}, rootId: ORG_ROOT_ID });
    expect(snapshot.accounts[MEMBER_ACCOUNT]).toMatchObject({ parentId: OU_PROD });
    expect(orgMock).not.toHaveReceivedCommand(ListPoliciesCommand);
    expect(orgMock).not.toHaveReceivedCommand(ListTargetsForPolicyCommand);
  });

  it('returns a snapshot without organization when the caller is in none, after one call', async () => {
    installFakeOrganizations(orgMock, new FakeOrganization(null, ORG_ROOT_ID));
    const counter = { calls: 0 };

    await expect(build(counter)).resolves.toEqual({
      version: 1,
      builtAt: NOTIFICATION_TIME,
      organization: null,
      rootId: null,
      accounts: {},
      ous: {},
      policies: {},
    });
    expect(counter.calls).toBe(1);
  });

  it.each([
    ['AccessDeniedException', 'AccessDeniedError', AccessDeniedError],
    ['TooManyRequestsException', 'ThrottlingError', ThrottlingError],
  ])('rejects %s as %s naming the action and keeping the cause', async (name, _typeName, type) => {
    installFakeOrganizations(orgMock, smallOrganization());
    const cause = awsError(name);
    orgMock.on(ListPoliciesCommand).rejects(cause);

    const promise = build();

    await expect(promise).rejects.toBeInstanceOf(type);
    await expect(promise).rejects.toMatchObject({ action: 'organizations:ListPolicies', cause });
  });

  it('rejects DescribeOrganization denied as AccessDeniedError', async () => {
    orgMock.on(DescribeOrganizationCommand).rejects(awsError('AccessDeniedException'));

    await expect(build()).rejects.toMatchObject({
      name: 'AccessDeniedError',
      action: 'organizations:DescribeOrganization',
    });
  });

  it('rejects a tree deeper than five OU levels', async () => {
    const org = new FakeOrganization(SNAPSHOT_ORGANIZATION, ORG_ROOT_ID);
    let parent = ORG_ROOT_ID;
    for (let depth = 1; depth <= 6; depth++) parent = org.addOu(`ou-ab12-depth000${depth}`, parent);
    installFakeOrganizations(orgMock, org);

    await expect(build()).rejects.toThrow(
      new CollectError('the organization tree is deeper than 5 OU levels', {
        action: 'organizations:ListOrganizationalUnitsForParent',
      }),
    );
  });
});

describe('snapshot derivations', () => {
  const snapshot = orgSnapshotFixture({
    accountsIn: { [OU_PROD]: [MEMBER_ACCOUNT] },
    ous: { [OU_WORKLOADS]: ORG_ROOT_ID, [OU_PROD]: OU_WORKLOADS },
    attached: [
      { policy: FULL_AWS_ACCESS_SCP, targets: [ORG_ROOT_ID, OU_PROD, MEMBER_ACCOUNT] },
      { policy: DENY_ROOT_SCP, targets: [OU_WORKLOADS] },
      { policy: PARTIAL_DENY_SCP, targets: [OU_PROD] },
    ],
  });

  it('counts listed accounts as members, others and any account of no organization as not', () => {
    expect(isOrganizationMember(snapshot, MEMBER_ACCOUNT)).toBe(true);
    expect(isOrganizationMember(snapshot, MANAGEMENT_ACCOUNT)).toBe(true);
    expect(isOrganizationMember(snapshot, OTHER_ACCOUNT)).toBe(false);
    expect(isOrganizationMember(orgSnapshotFixture({ organization: null }), MEMBER_ACCOUNT)).toBe(false);
  });

  it('gives the SCP chain the account first, then each OU upward, then the root', () => {
    expect(scpChainFromSnapshot(snapshot, MEMBER_ACCOUNT)).toEqual([
      attached('ACCOUNT', MEMBER_ACCOUNT, FULL_AWS_ACCESS_SCP),
      attached('ORGANIZATIONAL_UNIT', OU_PROD, FULL_AWS_ACCESS_SCP, PARTIAL_DENY_SCP),
      attached('ORGANIZATIONAL_UNIT', OU_WORKLOADS, DENY_ROOT_SCP),
      attached('ROOT', ORG_ROOT_ID, FULL_AWS_ACCESS_SCP),
    ]);
  });

  it('refuses a chain for an account it does not list, or through a parent it does not hold', () => {
    expect(() => scpChainFromSnapshot(snapshot, OTHER_ACCOUNT)).toThrow(RootGuardError);
    const broken = { ...snapshot, ous: { [OU_PROD]: { parentId: 'ou-ab12-missing1' } } };
    expect(() => scpChainFromSnapshot(broken, MEMBER_ACCOUNT)).toThrow(/names parent ou-ab12-missing1/);
  });

  it('refuses a chain that loops', () => {
    const looping = {
      ...snapshot,
      ous: { [OU_PROD]: { parentId: OU_WORKLOADS }, [OU_WORKLOADS]: { parentId: OU_PROD } },
    };
    expect(() => scpChainFromSnapshot(looping, MEMBER_ACCOUNT)).toThrow(/deeper than Organizations allows/);
  });

  it('parses its own JSON back and rejects a malformed object instead of defaulting', () => {
    expect(parseOrgSnapshot(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(() => parseOrgSnapshot(JSON.stringify({ ...snapshot, version: 2 }))).toThrow();
    expect(() => parseOrgSnapshot(JSON.stringify({ ...snapshot, accounts: { 'not-an-id': {} } }))).toThrow();
    expect(() => parseOrgSnapshot('{"version":1')).toThrow(SyntaxError);
    expect(snapshot.organization?.id).toBe(ORG_ID);
  });
});
