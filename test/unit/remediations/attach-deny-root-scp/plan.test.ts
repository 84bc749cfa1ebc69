/**
 * plan.ts is pure: every scenario of its header, from facts alone (no SDK, no mocks).
 */
import type { PolicyFacts, TargetPolicies } from '../../../../lib/org-tree';
import {
  type AttachFacts,
  choosePolicy,
  findProtection,
  isDenyRootOnly,
  planAttachment,
  resolveTarget,
} from '../../../../remediations/attach-deny-root-scp/plan';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ID, ORG_ROOT_ID } from '../../../helpers/constants';
import {
  attached,
  DENY_ROOT_CONTENT,
  DENY_ROOT_SCP,
  FULL_AWS_ACCESS_SCP,
  LEGACY_DENY_ROOT_SCP,
  NARROWED_DENY_SCP,
  PARTIAL_DENY_SCP,
  policy,
} from '../../../helpers/scp';
import {
  BUNDLE_SCP,
  MEMBER_ANCESTRY,
  ORGANIZATION,
  POLICY_NAME,
  PROD_OU,
  SANDBOX_OU,
  WORKLOADS_OU,
} from './fixtures';

/** The chain with only FullAWSAccess everywhere: nothing denies root yet. */
const UNPROTECTED_CHAIN: TargetPolicies[] = MEMBER_ANCESTRY.map((t) =>
  attached(t.type, t.id, FULL_AWS_ACCESS_SCP),
);

function facts(overrides: Partial<AttachFacts> = {}): AttachFacts {
  return {
    accountId: MEMBER_ACCOUNT,
    partition: 'aws',
    requestedTargetId: undefined,
    // Tests that name an OU or the root confirm it, unless they test the confirmation itself.
    allowOrganizationalTarget: overrides.requestedTargetId !== undefined,
    policyName: POLICY_NAME,
    organization: ORGANIZATION,
    ancestry: MEMBER_ANCESTRY,
    chain: UNPROTECTED_CHAIN,
    existingPolicies: [],
    ...overrides,
  };
}

const chainWith = (targetId: string, ...policies: PolicyFacts[]): TargetPolicies[] =>
  UNPROTECTED_CHAIN.map((t) =>
    t.targetId === targetId ? { ...t, policies: [...t.policies, ...policies] } : t,
  );

describe('planAttachment', () => {
  it('refuses the management account, saying SCPs never apply to it', () => {
    const plan = planAttachment(facts({ accountId: MANAGEMENT_ACCOUNT }));
    expect(plan).toMatchObject({ kind: 'refuse', refusal: { reason: 'management-account' } });
    expect(plan.kind === 'refuse' && plan.refusal.message).toMatch(
      new RegExp(
        `${MANAGEMENT_ACCOUNT}.*management account of ${ORG_ID}.*SCPs never apply to the management account`,
      ),
    );
  });

  it('refuses when the caller is in no organization', () => {
    expect(planAttachment(facts({ organization: null }))).toMatchObject({
      kind: 'refuse',
      refusal: { reason: 'no-organization' },
    });
  });

  it('refuses an organization with consolidated billing only', () => {
    const plan = planAttachment(
      facts({ organization: { ...ORGANIZATION, featureSet: 'CONSOLIDATED_BILLING' } }),
    );
    expect(plan).toMatchObject({ kind: 'refuse', refusal: { reason: 'not-all-features' } });
  });

  it('refuses when the SCP policy type is disabled, and says rootguard will not enable it', () => {
    const plan = planAttachment(facts({ organization: { ...ORGANIZATION, scpEnabled: false } }));
    expect(plan).toMatchObject({ kind: 'refuse', refusal: { reason: 'scp-disabled' } });
    expect(plan.kind === 'refuse' && plan.refusal.message).toMatch(
      /SERVICE_CONTROL_POLICY type is not enabled.*does not enable it for you/,
    );
  });

  it('refuses an account that is not in the organization', () => {
    expect(planAttachment(facts({ ancestry: undefined }))).toMatchObject({
      kind: 'refuse',
      refusal: {
        reason: 'not-a-member',
        message: expect.stringContaining(`not a member of organization ${ORG_ID}`),
      },
    });
  });

  it('refuses a TargetId that is not above the account (a sibling OU)', () => {
    const plan = planAttachment(facts({ requestedTargetId: SANDBOX_OU }));
    expect(plan).toMatchObject({ kind: 'refuse', refusal: { reason: 'target-not-above-account' } });
    expect(plan.kind === 'refuse' && plan.refusal.message).toContain(
      `${MEMBER_ACCOUNT} → ${PROD_OU} → ${WORKLOADS_OU} → ${ORG_ROOT_ID}`,
    );
  });

  it('does nothing when a deny-root SCP on the organization root already covers the account', () => {
    const plan = planAttachment(facts({ chain: chainWith(ORG_ROOT_ID, DENY_ROOT_SCP) }));
    expect(plan).toMatchObject({
      kind: 'already-protected',
      protection: { policy: { id: DENY_ROOT_SCP.id }, target: { id: ORG_ROOT_ID, type: 'ROOT' } },
    });
    expect(plan.kind === 'already-protected' && plan.message).toBe(
      `Account ${MEMBER_ACCOUNT} is already protected by SCP ${DENY_ROOT_SCP.id} (DenyRootUser) on the ` +
        `organization root ${ORG_ROOT_ID}, which denies every action to its root user; nothing to do.`,
    );
  });

  it('counts an older StringLike deny-root SCP (no AssumeRoot exemption) as protection, like the rule does', () => {
    expect(planAttachment(facts({ chain: chainWith(PROD_OU, LEGACY_DENY_ROOT_SCP) })).kind).toBe(
      'already-protected',
    );
  });

  it('does not count an SCP that denies root only some actions, or only in one region', () => {
    const plan = planAttachment(facts({ chain: chainWith(PROD_OU, PARTIAL_DENY_SCP, NARROWED_DENY_SCP) }));
    expect(plan.kind).toBe('attach');
  });

  it('creates the canonical SCP and attaches it to the account when TargetId is blank', () => {
    const plan = planAttachment(facts());
    expect(plan).toEqual({
      kind: 'attach',
      target: { id: MEMBER_ACCOUNT, type: 'ACCOUNT' },
      policy: { id: undefined, name: POLICY_NAME, tag: false },
      actions: [
        `create SCP "${POLICY_NAME}" denying every action to the root user (aws:AssumedRoot sessions exempt)`,
        `attach the new SCP "${POLICY_NAME}" to the account ${MEMBER_ACCOUNT} itself`,
      ],
      message: `Create the deny-root SCP "${POLICY_NAME}" and attach it to the account ${MEMBER_ACCOUNT} itself to protect account ${MEMBER_ACCOUNT}.`,
    });
  });

  it.each([
    [WORKLOADS_OU, 'ORGANIZATIONAL_UNIT', `OU ${WORKLOADS_OU}`],
    [ORG_ROOT_ID, 'ROOT', `the organization root ${ORG_ROOT_ID}`],
  ])('attaches to %s when TargetId names it', (targetId, type, where) => {
    const plan = planAttachment(facts({ requestedTargetId: targetId }));
    expect(plan).toMatchObject({ kind: 'attach', target: { id: targetId, type } });
    expect(plan.kind === 'attach' && plan.actions[1]).toContain(`to ${where}`);
  });

  it('reuses an existing canonical deny-root SCP rather than creating a second copy, tagging it first', () => {
    const plan = planAttachment(facts({ existingPolicies: [PARTIAL_DENY_SCP, DENY_ROOT_SCP] }));
    expect(plan).toMatchObject({
      kind: 'attach',
      policy: { id: DENY_ROOT_SCP.id, name: 'DenyRootUser', tag: true },
      actions: [
        `tag existing SCP ${DENY_ROOT_SCP.id} (DenyRootUser) app=rootguard (its content is canonical)`,
        `attach existing SCP ${DENY_ROOT_SCP.id} (DenyRootUser) to the account ${MEMBER_ACCOUNT} itself`,
      ],
    });
  });

  it('never reuses a guardrail bundle that also denies other things', () => {
    const plan = planAttachment(facts({ existingPolicies: [BUNDLE_SCP] }));
    expect(plan).toMatchObject({ kind: 'attach', policy: { id: undefined, name: POLICY_NAME } });
  });

  it('refuses when PolicyName is taken by an SCP that does something else, rather than fail on CreatePolicy', () => {
    const taken = policy('p-taken00001', POLICY_NAME, PARTIAL_DENY_SCP.content);
    const plan = planAttachment(facts({ existingPolicies: [taken] }));
    expect(plan).toMatchObject({ kind: 'refuse', refusal: { reason: 'name-taken' } });
    expect(plan.kind === 'refuse' && plan.refusal.message).toContain(
      `policy p-taken00001 already has that name and it does not deny every action to root: it denies only iam:*, organizations:* to root`,
    );
  });
});

describe('resolveTarget', () => {
  it('is the account itself when nothing is asked for', () => {
    expect(resolveTarget(MEMBER_ANCESTRY, undefined, MEMBER_ACCOUNT)).toEqual({
      id: MEMBER_ACCOUNT,
      type: 'ACCOUNT',
    });
  });
});

describe('findProtection', () => {
  it('names the nearest deny-root SCP, the account first', () => {
    const chain = chainWith(ORG_ROOT_ID, DENY_ROOT_SCP).map((t) =>
      t.targetId === PROD_OU ? { ...t, policies: [...t.policies, LEGACY_DENY_ROOT_SCP] } : t,
    );
    expect(findProtection(chain, 'aws', MEMBER_ACCOUNT)?.policy.id).toBe(LEGACY_DENY_ROOT_SCP.id);
  });

  it('judges in the partition: a policy naming arn:aws does not protect an aws-cn account', () => {
    expect(findProtection(chainWith(ORG_ROOT_ID, DENY_ROOT_SCP), 'aws-cn', MEMBER_ACCOUNT)).toBeUndefined();
  });
});

describe('isDenyRootOnly', () => {
  it.each([
    ['the canonical deny-root SCP', DENY_ROOT_CONTENT, true],
    ['an older StringLike copy', LEGACY_DENY_ROOT_SCP.content, true],
    ['a bundle with another deny', BUNDLE_SCP.content, false],
    ['a partial deny', PARTIAL_DENY_SCP.content, false],
    ['FullAWSAccess', FULL_AWS_ACCESS_SCP.content, false],
    ['no statement', JSON.stringify({ Version: '2012-10-17', Statement: [] }), false],
    ['not JSON', '{', false],
  ])('is %s → %s', (_label, content, expected) => {
    expect(isDenyRootOnly(content, 'aws', MEMBER_ACCOUNT)).toBe(expected);
  });

  it('accepts a single Statement object as well as a list', () => {
    const single = JSON.stringify({
      Version: '2012-10-17',
      Statement: JSON.parse(DENY_ROOT_CONTENT).Statement[0],
    });
    expect(isDenyRootOnly(single, 'aws', MEMBER_ACCOUNT)).toBe(true);
  });
});

describe('choosePolicy', () => {
  it('prefers the reusable SCP named PolicyName over another reusable one', () => {
    const named = policy('p-named00001', POLICY_NAME, DENY_ROOT_CONTENT);
    expect(choosePolicy([DENY_ROOT_SCP, named], POLICY_NAME, 'aws', MEMBER_ACCOUNT)).toEqual({
      kind: 'reuse',
      policy: named,
    });
  });

  it('reuses another deny-root-only SCP even when PolicyName is taken by a bundle', () => {
    const bundleNamed = { ...BUNDLE_SCP, name: POLICY_NAME };
    expect(choosePolicy([bundleNamed, DENY_ROOT_SCP], POLICY_NAME, 'aws', MEMBER_ACCOUNT)).toEqual({
      kind: 'reuse',
      policy: DENY_ROOT_SCP,
    });
  });

  it('says a bundle with the name denies root but does other things', () => {
    const bundleNamed = { ...BUNDLE_SCP, name: POLICY_NAME };
    expect(choosePolicy([bundleNamed], POLICY_NAME, 'aws', MEMBER_ACCOUNT)).toMatchObject({
      kind: 'name-taken',
      why: 'it denies root but is not the canonical deny-root SCP (it denies more, or bundles other statements)',
    });
  });
});
