import {
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { clearOrgCache, ORG_CACHE_TTL_MS, OrgReader } from '../../../lib/org-tree';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  ORG_ROOT_ID,
  OU_PROD,
  OU_WORKLOADS,
} from '../../helpers/constants';
import { useMockedClient } from '../../helpers/sdk-mocks';

const { client, mock: orgMock } = useMockedClient(OrganizationsClient, 'us-east-1');

const POLICY_DENY_ROOT = 'p-denyroot1';
const POLICY_FULL_ACCESS = 'p-FullAWSAccess';
const START = Date.parse('2026-11-20T06:00:00.000Z');

const policyContent = (id: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: id }] });

function mockOrganization(scpStatus: 'ENABLED' | 'PENDING_DISABLE' | 'NOT_LISTED' = 'ENABLED') {
  orgMock.on(DescribeOrganizationCommand).resolves({
    Organization: { Id: ORG_ID, MasterAccountId: MANAGEMENT_ACCOUNT, FeatureSet: 'ALL' },
  });
  orgMock.on(ListRootsCommand).resolves({
    Roots: [
      {
        Id: ORG_ROOT_ID,
        Name: 'Root',
        PolicyTypes:
          scpStatus === 'NOT_LISTED'
            ? [{ Type: 'TAG_POLICY', Status: 'ENABLED' }]
            : [{ Type: 'SERVICE_CONTROL_POLICY', Status: scpStatus }],
      },
    ],
  });
}

/** MEMBER_ACCOUNT → OU_PROD → OU_WORKLOADS → root. */
function mockTree() {
  const parentOf = [
    [MEMBER_ACCOUNT, OU_PROD, 'ORGANIZATIONAL_UNIT'],
    [OU_PROD, OU_WORKLOADS, 'ORGANIZATIONAL_UNIT'],
    [OU_WORKLOADS, ORG_ROOT_ID, 'ROOT'],
  ] as const;
  for (const [child, parent, type] of parentOf) {
    orgMock.on(ListParentsCommand, { ChildId: child }).resolves({ Parents: [{ Id: parent, Type: type }] });
  }
}

function mockPolicies() {
  orgMock.on(DescribePolicyCommand).callsFake((input: { PolicyId: string }) => ({
    Policy: {
      PolicySummary: { Id: input.PolicyId, Name: `name-of-${input.PolicyId}` },
      Content: policyContent(input.PolicyId),
    },
  }));
}

const accessDenied = () =>
  Object.assign(new Error('You don’t have permissions to access this resource.'), {
    name: 'AccessDeniedException',
  });

let now: number;
const clock = () => now;

beforeEach(() => {
  clearOrgCache();
  now = START;
});

describe('OrgReader.describeOrganization', () => {
  it('returns the organization facts with SCPs enabled from ListRoots', async () => {
    mockOrganization('ENABLED');
    const reader = new OrgReader(client, 'self', clock);

    await expect(reader.describeOrganization(MEMBER_ACCOUNT)).resolves.toEqual({
      id: ORG_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
      featureSet: 'ALL',
      scpEnabled: true,
    });
    expect(reader.calls).toBe(2);
  });

  it('reports SCPs disabled when the root does not list SERVICE_CONTROL_POLICY as ENABLED', async () => {
    mockOrganization('PENDING_DISABLE');

    await expect(new OrgReader(client, 'self', clock).describeOrganization()).resolves.toMatchObject({
      scpEnabled: false,
    });
  });

  it('reports SCPs disabled when only other policy types are enabled', async () => {
    mockOrganization('NOT_LISTED');

    await expect(new OrgReader(client, 'self', clock).describeOrganization()).resolves.toMatchObject({
      scpEnabled: false,
    });
  });

  it('returns null when the account is not in an organization', async () => {
    orgMock
      .on(DescribeOrganizationCommand)
      .rejects(new AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} }));

    const reader = new OrgReader(client, 'self', clock);

    await expect(reader.describeOrganization(MEMBER_ACCOUNT)).resolves.toBeNull();
    expect(orgMock).not.toHaveReceivedCommand(ListRootsCommand);
  });

  it('turns AccessDenied into an AccessDeniedError naming DescribeOrganization', async () => {
    orgMock.on(DescribeOrganizationCommand).rejects(accessDenied());

    const promise = new OrgReader(client, 'self', clock).describeOrganization(MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toMatchObject({
      action: 'organizations:DescribeOrganization',
      accountId: MEMBER_ACCOUNT,
    });
  });

  it('throws CollectError when DescribeOrganization returns no organization id', async () => {
    orgMock
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { MasterAccountId: MANAGEMENT_ACCOUNT } });

    await expect(new OrgReader(client, 'self', clock).describeOrganization()).rejects.toThrow(
      'organizations:DescribeOrganization returned no organization id',
    );
  });
});

describe('OrgReader.ancestry', () => {
  it('walks from the account through every OU to the organization root', async () => {
    mockTree();
    const reader = new OrgReader(client, 'self', clock);

    await expect(reader.ancestry(MEMBER_ACCOUNT)).resolves.toEqual([
      { id: MEMBER_ACCOUNT, type: 'ACCOUNT' },
      { id: OU_PROD, type: 'ORGANIZATIONAL_UNIT' },
      { id: OU_WORKLOADS, type: 'ORGANIZATIONAL_UNIT' },
      { id: ORG_ROOT_ID, type: 'ROOT' },
    ]);
    expect(orgMock).toHaveReceivedCommandTimes(ListParentsCommand, 3);
    expect(reader.calls).toBe(3);
  });

  it('stops at the root for an account directly under it', async () => {
    orgMock.on(ListParentsCommand).resolves({ Parents: [{ Id: ORG_ROOT_ID, Type: 'ROOT' }] });

    await expect(new OrgReader(client, 'self', clock).ancestry(MEMBER_ACCOUNT)).resolves.toEqual([
      { id: MEMBER_ACCOUNT, type: 'ACCOUNT' },
      { id: ORG_ROOT_ID, type: 'ROOT' },
    ]);
  });

  it('throws CollectError when a child has no parent', async () => {
    orgMock.on(ListParentsCommand).resolves({ Parents: [] });

    const promise = new OrgReader(client, 'self', clock).ancestry(MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(CollectError);
    await expect(promise).rejects.toThrow(
      `organizations:ListParents returned no parent for ${MEMBER_ACCOUNT}`,
    );
  });

  it('throws CollectError instead of looping when the tree never reaches a root', async () => {
    orgMock.on(ListParentsCommand).callsFake((input: { ChildId: string }) => ({
      Parents: [{ Id: `${input.ChildId}x`, Type: 'ORGANIZATIONAL_UNIT' }],
    }));

    await expect(new OrgReader(client, 'self', clock).ancestry(MEMBER_ACCOUNT)).rejects.toThrow(
      `organization tree above ${MEMBER_ACCOUNT} is deeper than Organizations allows`,
    );
  });
});

describe('OrgReader.attachedScps', () => {
  it('reads every page of ListPoliciesForTarget, following NextToken', async () => {
    orgMock
      .on(ListPoliciesForTargetCommand)
      .resolvesOnce({ Policies: [{ Id: POLICY_FULL_ACCESS, Name: 'FullAWSAccess' }], NextToken: 'next-1' })
      .resolvesOnce({ Policies: [{ Id: POLICY_DENY_ROOT, Name: 'DenyRoot' }] });
    const reader = new OrgReader(client, 'self', clock);

    await expect(reader.attachedScps(OU_PROD, MEMBER_ACCOUNT)).resolves.toEqual([
      { id: POLICY_FULL_ACCESS, name: 'FullAWSAccess' },
      { id: POLICY_DENY_ROOT, name: 'DenyRoot' },
    ]);
    expect(orgMock).toHaveReceivedCommandTimes(ListPoliciesForTargetCommand, 2);
    expect(orgMock).toHaveReceivedNthCommandWith(1, ListPoliciesForTargetCommand, {
      TargetId: OU_PROD,
      Filter: 'SERVICE_CONTROL_POLICY',
      NextToken: undefined,
    });
    expect(orgMock).toHaveReceivedNthCommandWith(2, ListPoliciesForTargetCommand, {
      TargetId: OU_PROD,
      Filter: 'SERVICE_CONTROL_POLICY',
      NextToken: 'next-1',
    });
    expect(reader.calls).toBe(2);
  });

  it('uses the policy id as its name when the name is missing', async () => {
    orgMock.on(ListPoliciesForTargetCommand).resolves({ Policies: [{ Id: POLICY_DENY_ROOT }] });

    await expect(new OrgReader(client, 'self', clock).attachedScps(OU_PROD, MEMBER_ACCOUNT)).resolves.toEqual(
      [{ id: POLICY_DENY_ROOT, name: POLICY_DENY_ROOT }],
    );
  });
});

describe('OrgReader.describePolicy', () => {
  it('returns the policy id, name and content', async () => {
    mockPolicies();

    await expect(
      new OrgReader(client, 'self', clock).describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT),
    ).resolves.toEqual({
      id: POLICY_DENY_ROOT,
      name: `name-of-${POLICY_DENY_ROOT}`,
      content: policyContent(POLICY_DENY_ROOT),
    });
  });

  it('throws CollectError when the policy has no content', async () => {
    orgMock.on(DescribePolicyCommand).resolves({ Policy: { PolicySummary: { Id: POLICY_DENY_ROOT } } });

    await expect(
      new OrgReader(client, 'self', clock).describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT),
    ).rejects.toThrow(`organizations:DescribePolicy returned no content for ${POLICY_DENY_ROOT}`);
  });

  it('describes a policy once when concurrent callers ask for it', async () => {
    mockPolicies();
    const reader = new OrgReader(client, 'self', clock);

    const results = await Promise.all([
      reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT),
      reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT),
      reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT),
    ]);

    expect(new Set(results.map((r) => r.id))).toEqual(new Set([POLICY_DENY_ROOT]));
    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 1);
    expect(reader.calls).toBe(1);
  });
});

describe('OrgReader.scpChain', () => {
  it('groups the SCPs by target, account first, describing a policy shared by two targets once', async () => {
    mockTree();
    mockPolicies();
    orgMock
      .on(ListPoliciesForTargetCommand, { TargetId: MEMBER_ACCOUNT })
      .resolves({ Policies: [{ Id: POLICY_FULL_ACCESS, Name: 'FullAWSAccess' }] })
      .on(ListPoliciesForTargetCommand, { TargetId: OU_PROD })
      .resolves({ Policies: [{ Id: POLICY_DENY_ROOT, Name: 'DenyRoot' }] })
      .on(ListPoliciesForTargetCommand, { TargetId: OU_WORKLOADS })
      .resolves({ Policies: [] })
      .on(ListPoliciesForTargetCommand, { TargetId: ORG_ROOT_ID })
      .resolves({
        Policies: [
          { Id: POLICY_FULL_ACCESS, Name: 'FullAWSAccess' },
          { Id: POLICY_DENY_ROOT, Name: 'DenyRoot' },
        ],
      });
    const reader = new OrgReader(client, 'self', clock);

    const chain = await reader.scpChain(MEMBER_ACCOUNT);

    expect(chain.map((t) => [t.targetId, t.targetType, t.policies.map((p) => p.id)])).toEqual([
      [MEMBER_ACCOUNT, 'ACCOUNT', [POLICY_FULL_ACCESS]],
      [OU_PROD, 'ORGANIZATIONAL_UNIT', [POLICY_DENY_ROOT]],
      [OU_WORKLOADS, 'ORGANIZATIONAL_UNIT', []],
      [ORG_ROOT_ID, 'ROOT', [POLICY_FULL_ACCESS, POLICY_DENY_ROOT]],
    ]);
    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
    expect(orgMock).toHaveReceivedCommandWith(DescribePolicyCommand, { PolicyId: POLICY_FULL_ACCESS });
    expect(orgMock).toHaveReceivedCommandWith(DescribePolicyCommand, { PolicyId: POLICY_DENY_ROOT });
    // 3 ListParents + 4 ListPoliciesForTarget + 2 DescribePolicy
    expect(reader.calls).toBe(9);
  });
});

describe('OrgReader cache', () => {
  it('serves a second reader with the same namespace from the cache within the TTL', async () => {
    mockPolicies();
    const first = new OrgReader(client, 'self', clock);
    await first.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    now = START + ORG_CACHE_TTL_MS - 1;
    const second = new OrgReader(client, 'self', clock);
    await expect(second.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT)).resolves.toMatchObject({
      id: POLICY_DENY_ROOT,
    });

    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 1);
    expect(first.calls).toBe(1);
    expect(second.calls).toBe(0);
  });

  it('caches the organization facts, including a null answer', async () => {
    orgMock
      .on(DescribeOrganizationCommand)
      .rejects(new AWSOrganizationsNotInUseException({ message: 'not in use', $metadata: {} }));
    const reader = new OrgReader(client, 'self', clock);

    await reader.describeOrganization();
    await expect(reader.describeOrganization()).resolves.toBeNull();

    expect(orgMock).toHaveReceivedCommandTimes(DescribeOrganizationCommand, 1);
    expect(reader.calls).toBe(1);
  });

  it(`reads again once ORG_CACHE_TTL_MS (${ORG_CACHE_TTL_MS} ms) has passed`, async () => {
    mockPolicies();
    await new OrgReader(client, 'self', clock).describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    now = START + ORG_CACHE_TTL_MS;
    const later = new OrgReader(client, 'self', clock);
    await later.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
    expect(later.calls).toBe(1);
  });

  it('refreshes the TTL with the new read after expiry', async () => {
    mockPolicies();
    const reader = new OrgReader(client, 'self', clock);
    await reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);
    now = START + ORG_CACHE_TTL_MS + 1;
    await reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    now = START + 2 * ORG_CACHE_TTL_MS;
    await reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
  });

  it('keeps separate namespaces apart', async () => {
    mockPolicies();
    await new OrgReader(client, 'self', clock).describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    const other = new OrgReader(client, 'arn:aws:iam::111111111111:role/OrgRead', clock);
    await other.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
    expect(other.calls).toBe(1);
  });

  it('does not remember a failed read', async () => {
    orgMock
      .on(DescribePolicyCommand)
      .rejectsOnce(accessDenied())
      .resolves({
        Policy: { PolicySummary: { Name: 'DenyRoot' }, Content: policyContent(POLICY_DENY_ROOT) },
      });
    const reader = new OrgReader(client, 'self', clock);

    const failed = reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);
    await expect(failed).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(failed).rejects.toMatchObject({
      action: 'organizations:DescribePolicy',
      accountId: MEMBER_ACCOUNT,
    });

    await expect(reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT)).resolves.toMatchObject({
      name: 'DenyRoot',
    });
    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
    expect(reader.calls).toBe(2);
  });

  it('does not remember a failed DescribeOrganization', async () => {
    mockOrganization();
    orgMock
      .on(DescribeOrganizationCommand)
      .rejectsOnce(accessDenied())
      .resolves({
        Organization: { Id: ORG_ID, MasterAccountId: MANAGEMENT_ACCOUNT, FeatureSet: 'ALL' },
      });
    const reader = new OrgReader(client, 'self', clock);

    await expect(reader.describeOrganization()).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(reader.describeOrganization()).resolves.toMatchObject({ id: ORG_ID });
  });

  it('is emptied by clearOrgCache', async () => {
    mockPolicies();
    const reader = new OrgReader(client, 'self', clock);
    await reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    clearOrgCache();
    await reader.describePolicy(POLICY_DENY_ROOT, MEMBER_ACCOUNT);

    expect(orgMock).toHaveReceivedCommandTimes(DescribePolicyCommand, 2);
  });
});
