/**
 * Service control policies for root-deny-scp tests: the documents (the JSON text DescribePolicy returns),
 * policy ids and names, and builders for the facts OrgReader produces. The canonical deny-root document is
 * written out here, not imported from lib/, so a change to lib's copy cannot silently change what the tests
 * expect.
 */
import type { PolicyFacts, TargetPolicies, TargetType } from '../../lib/org-tree';

/** An SCP document (the JSON text DescribePolicy returns) of these statements. */
export const scpDocument = (...statements: object[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const document = scpDocument;

/** The condition that names any account's root user. */
const ANY_ROOT = { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } };
/** Deny every action on every resource, under `condition`. */
const denyAll = (condition: object) => ({ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition });

/** The canonical statement: every action denied to root, sts:AssumeRoot sessions kept working (DESIGN.md). */
export const DENY_ROOT_STATEMENT = denyAll({ ...ANY_ROOT, Null: { 'aws:AssumedRoot': 'true' } });

/** Deny everything to any account's root user, keeping sts:AssumeRoot sessions working (DESIGN.md). */
export const DENY_ROOT_CONTENT = document({ Sid: 'DenyRootUser', ...DENY_ROOT_STATEMENT });

/** An older copy of the same guardrail: StringLike, no AssumeRoot exemption. */
export const LEGACY_DENY_ROOT_CONTENT = document(
  denyAll({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } }),
);

/** Targets root but denies only some actions. */
export const PARTIAL_DENY_ROOT_CONTENT = document({
  Effect: 'Deny',
  Action: ['iam:*', 'organizations:*'],
  Resource: '*',
  Condition: ANY_ROOT,
});

/** Targets root for every action, but only in one region. */
export const NARROWED_DENY_ROOT_CONTENT = document(
  denyAll({ ...ANY_ROOT, StringEquals: { 'aws:RequestedRegion': 'us-east-1' } }),
);

/** The AWS-managed policy attached everywhere by default. */
export const FULL_AWS_ACCESS_CONTENT = document({ Effect: 'Allow', Action: '*', Resource: '*' });

export const DENY_ROOT_POLICY_ID = 'p-denyroot01';
export const SECOND_DENY_ROOT_POLICY_ID = 'p-denyroot02';
export const PARTIAL_DENY_POLICY_ID = 'p-partial001';
export const NARROWED_DENY_POLICY_ID = 'p-narrowed01';
export const FULL_AWS_ACCESS_POLICY_ID = 'p-FullAWSAccess';

export const policy = (id: string, name: string, content: string): PolicyFacts => ({ id, name, content });

export const DENY_ROOT_SCP = policy(DENY_ROOT_POLICY_ID, 'DenyRootUser', DENY_ROOT_CONTENT);
export const LEGACY_DENY_ROOT_SCP = policy(
  SECOND_DENY_ROOT_POLICY_ID,
  'LegacyDenyRoot',
  LEGACY_DENY_ROOT_CONTENT,
);
export const PARTIAL_DENY_SCP = policy(PARTIAL_DENY_POLICY_ID, 'DenyRootIam', PARTIAL_DENY_ROOT_CONTENT);
export const NARROWED_DENY_SCP = policy(
  NARROWED_DENY_POLICY_ID,
  'DenyRootUsEast1',
  NARROWED_DENY_ROOT_CONTENT,
);
export const FULL_AWS_ACCESS_SCP = policy(
  FULL_AWS_ACCESS_POLICY_ID,
  'FullAWSAccess',
  FULL_AWS_ACCESS_CONTENT,
);

/** Every policy above, by id: what DescribePolicy answers in collect tests. */
export const SCPS_BY_ID: ReadonlyMap<string, PolicyFacts> = new Map(
  [DENY_ROOT_SCP, LEGACY_DENY_ROOT_SCP, PARTIAL_DENY_SCP, NARROWED_DENY_SCP, FULL_AWS_ACCESS_SCP].map((p) => [
    p.id,
    p,
  ]),
);

export const attached = (
  targetType: TargetType,
  targetId: string,
  ...policies: PolicyFacts[]
): TargetPolicies => ({
  targetId,
  targetType,
  policies,
});

/** The incident-response quarantine SCP: denies everything to everyone, so it "denies root" too. */
export const QUARANTINE_CONTENT = document({ Sid: 'Quarantine', Effect: 'Deny', Action: '*', Resource: '*' });
export const QUARANTINE_SCP = policy('p-quarant01', 'Quarantine', QUARANTINE_CONTENT);
/** Root-denying statements plus one that denies everyone in a Region: broader than deny-root. */
export const DENY_ROOT_AND_REGION_CONTENT = document(JSON.parse(DENY_ROOT_CONTENT).Statement[0], {
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  Condition: { StringEquals: { 'aws:RequestedRegion': 'ap-east-1' } },
});
