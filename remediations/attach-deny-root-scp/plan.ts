/**
 * Pure: what attach-deny-root-scp does for one account, given what Organizations says. No SDK, no clock, no
 * environment; attach.ts reads the facts and carries the plan out. The deny-root judgement is lib's
 * analyzeDenyRootPolicy, the same one the root-deny-scp rule applies, so "already protected" here means COMPLIANT
 * there.
 *
 *   no organization / management account / not all features / SCP type disabled ─▶ refuse
 *   account not in the organization, TargetId not the account or a parent above it ─▶ refuse
 *   TargetId an OU or the root without AllowOrganizationalTarget true                ─▶ refuse
 *   an SCP on the account, an OU above it or the root already denies root         ─▶ already protected
 *   a reusable deny-root SCP exists (below; PolicyName preferred)                  ─▶ attach it
 *   PolicyName is taken by an SCP that does something else                        ─▶ refuse (never a second name)
 *   otherwise                                                                     ─▶ create the canonical one, attach it
 *
 * Which existing SCP may be reused: its content is the canonical deny-root document (lib/deny-root-policy.ts,
 * isCanonicalDenyRootPolicy: ArnLike or StringLike, with or without the AssumeRoot exemption), or it carries
 * rootguard's tag (app=rootguard, which only the management account and rootguard's own role can set) and every
 * statement denies root through a condition on the root user. Whatever denies root "too" is never reused: the
 * quarantine SCP (Deny * on * with no condition) denies root because it denies everyone, and attaching it to an
 * account, an OU or the root would lock them out; a guardrail bundle would bring its other denies to a new target.
 */
import { analyzeDenyRootPolicy, isCanonicalDenyRootPolicy } from '../../lib/deny-root-policy';
import type { OrganizationFacts, PolicyFacts, TargetPolicies, TargetType } from '../../lib/org-tree';
import type { Partition } from '../../lib/partition';
import type { RefusalReason } from './errors';

/**
 * TargetId as the document takes it: blank (the account itself), an OU id or a root id (Organizations id
 * formats). No quote or backslash can match, so the value is safe inside the JSON Payload.
 */
export const TARGET_ID_PATTERN = '^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})?$';
/** SCP names rootguard creates: letters, digits and `_+=,.@-`, at most 128 (the Organizations limit). */
export const POLICY_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_+=,.@-]{0,127}$';
export const DEFAULT_POLICY_NAME = 'RootGuardDenyRootUser';

export interface Target {
  id: string;
  type: TargetType;
}

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/** An SCP that already denies root to the account, and where it is attached. */
export interface Protection {
  policy: PolicyFacts;
  target: Target;
}

/** An existing SCP read as a reuse candidate: its content, and whether it carries rootguard's tag. */
export interface CandidatePolicy extends PolicyFacts {
  /** app=rootguard (attach.ts POLICY_TAGS); undefined when the tags were not read. */
  rootguardTagged?: boolean;
}

export type PolicyChoice =
  | { kind: 'reuse'; policy: CandidatePolicy }
  | { kind: 'create'; name: string }
  | { kind: 'name-taken'; policy: PolicyFacts; why: string };

export interface AttachFacts {
  accountId: string;
  partition: Partition;
  /** Undefined or blank: the account itself. */
  requestedTargetId: string | undefined;
  /** The AllowOrganizationalTarget confirmation: required for an OU or root TargetId. */
  allowOrganizationalTarget: boolean;
  policyName: string;
  organization: OrganizationFacts | null;
  /** The account, the OUs above it and the root; undefined when the account is not in the organization. */
  ancestry: Target[] | undefined;
  /** The SCPs attached along the ancestry (OrgReader.scpChain). */
  chain: TargetPolicies[];
  /** Customer-managed SCPs of the organization whose content was read (candidates for reuse). */
  existingPolicies: CandidatePolicy[];
}

export type AttachPlan =
  | { kind: 'refuse'; refusal: Refusal }
  | { kind: 'already-protected'; protection: Protection; message: string }
  | {
      kind: 'attach';
      target: Target;
      /** id undefined: the policy is created first; tag: an existing canonical SCP gets app=rootguard first. */
      policy: { id: string | undefined; name: string; tag: boolean };
      actions: string[];
      message: string;
    };

/** "the account itself", "OU ou-…", "the organization root r-…" (the root-deny-scp annotations say the same). */
export function describeTarget(target: Target): string {
  if (target.type === 'ACCOUNT') return `the account ${target.id} itself`;
  if (target.type === 'ROOT') return `the organization root ${target.id}`;
  return `OU ${target.id}`;
}

/** Whether the organization, as read, lets rootguard put an SCP above this account. */
export function organizationRefusal(org: OrganizationFacts | null, accountId: string): Refusal | undefined {
  if (!org) {
    return {
      reason: 'no-organization',
      message: `Cannot protect account ${accountId} with an SCP: the account rootguard reads Organizations with is in no AWS Organization.`,
    };
  }
  if (org.managementAccountId === accountId) {
    return {
      reason: 'management-account',
      message:
        `Refusing account ${accountId}: it is the management account of ${org.id}, and SCPs never apply to the ` +
        'management account, so a deny-root SCP cannot protect it. Protect its root user with hardware MFA, no ' +
        'access keys and the root-activity alert instead.',
    };
  }
  if (org.featureSet !== 'ALL') {
    return {
      reason: 'not-all-features',
      message: `Cannot protect account ${accountId}: organization ${org.id} has only consolidated billing; SCPs need "all features" enabled.`,
    };
  }
  if (!org.scpEnabled) {
    return {
      reason: 'scp-disabled',
      message:
        `Cannot protect account ${accountId}: the SERVICE_CONTROL_POLICY type is not enabled on the root of ` +
        `${org.id}. rootguard does not enable it for you (it changes every account at once): enable it deliberately ` +
        '(organizations:EnablePolicyType), then run this document again.',
    };
  }
  return undefined;
}

/** The target to attach to: the account itself when none is asked for, else a parent above the account. */
export function resolveTarget(
  ancestry: readonly Target[],
  requested: string | undefined,
  accountId: string,
  allowOrganizationalTarget = false,
): Target | Refusal {
  if (!requested) return { id: accountId, type: 'ACCOUNT' };
  // An SCP on an OU or the root applies to every account below it: never on a TargetId alone.
  if (!allowOrganizationalTarget) {
    return {
      reason: 'organizational-target-unconfirmed',
      message:
        `Refusing TargetId ${requested}: an SCP there applies to every account below it, so an OU or root target ` +
        'needs AllowOrganizationalTarget true as well (and then two approvers). Leave TargetId blank to protect ' +
        `account ${accountId} alone.`,
    };
  }
  const found = ancestry.find((t) => t.id === requested);
  if (found) return found;
  const path = ancestry.map((t) => t.id).join(' → ');
  return {
    reason: 'target-not-above-account',
    message:
      `Refusing TargetId ${requested}: it is not account ${accountId} or a parent above it (${path}), so an SCP ` +
      'there would not protect this account. Leave TargetId blank or name one of those.',
  };
}

/** The first SCP along the chain (account first, root last) that denies every action to the account's root user. */
export function findProtection(
  chain: readonly TargetPolicies[],
  partition: Partition,
  accountId: string,
): Protection | undefined {
  for (const target of chain) {
    for (const policy of target.policies) {
      if (analyzeDenyRootPolicy(policy.content, partition, accountId).denies) {
        return { policy, target: { id: target.targetId, type: target.targetType } };
      }
    }
  }
  return undefined;
}

/** True when every statement of the policy, judged alone, denies root: the policy is a deny-root SCP and nothing else. */
export function isDenyRootOnly(content: string, partition: Partition, accountId: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return false;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const { Version, Statement } = doc as { Version?: unknown; Statement?: unknown };
  const statements = Array.isArray(Statement) ? Statement : Statement === undefined ? [] : [Statement];
  if (statements.length === 0) return false;
  return statements.every(
    (statement) =>
      analyzeDenyRootPolicy(JSON.stringify({ Version, Statement: [statement] }), partition, accountId).denies,
  );
}

/** Every statement is a Deny conditioned on the root user: no unconditioned deny rides along. */
function deniesOnlyRootThroughConditions(content: string, partition: Partition, accountId: string): boolean {
  if (!isDenyRootOnly(content, partition, accountId)) return false;
  const { Statement } = JSON.parse(content) as { Statement?: unknown };
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  return statements.every((s) => s && typeof s === 'object' && (s as { Condition?: unknown }).Condition);
}

/** Whether rootguard may attach this existing SCP (see the header): canonical content, or tagged and root-only. */
export function isReusable(policy: CandidatePolicy, partition: Partition, accountId: string): boolean {
  if (isCanonicalDenyRootPolicy(policy.content, partition)) return true;
  return (
    policy.rootguardTagged === true && deniesOnlyRootThroughConditions(policy.content, partition, accountId)
  );
}

/**
 * Which SCP to attach: an existing reusable policy (isReusable; the one named PolicyName first, else the first
 * found), otherwise a new one named PolicyName, unless that name is taken by a policy that is not reusable.
 */
export function choosePolicy(
  existing: readonly CandidatePolicy[],
  policyName: string,
  partition: Partition,
  accountId: string,
): PolicyChoice {
  const reusable = existing.filter((p) => isReusable(p, partition, accountId));
  const preferred = reusable.find((p) => p.name === policyName) ?? reusable[0];
  if (preferred) return { kind: 'reuse', policy: preferred };
  const sameName = existing.find((p) => p.name === policyName);
  if (sameName) {
    const verdict = analyzeDenyRootPolicy(sameName.content, partition, accountId);
    const why = verdict.denies
      ? 'it denies root but is not the canonical deny-root SCP (it denies more, or bundles other statements)'
      : `it does not deny every action to root: it ${verdict.reason}`;
    return { kind: 'name-taken', policy: sameName, why };
  }
  return { kind: 'create', name: policyName };
}

const policyLabel = (policy: PolicyFacts) => `${policy.id} (${policy.name})`;

export function planAttachment(facts: AttachFacts): AttachPlan {
  const { accountId, partition } = facts;
  const refused = organizationRefusal(facts.organization, accountId);
  if (refused) return { kind: 'refuse', refusal: refused };
  const orgId = facts.organization?.id;
  if (!facts.ancestry) {
    return {
      kind: 'refuse',
      refusal: {
        reason: 'not-a-member',
        message: `Cannot protect account ${accountId}: it is not a member of organization ${orgId}.`,
      },
    };
  }
  const target = resolveTarget(
    facts.ancestry,
    facts.requestedTargetId,
    accountId,
    facts.allowOrganizationalTarget,
  );
  if ('reason' in target) return { kind: 'refuse', refusal: target };

  const protection = findProtection(facts.chain, partition, accountId);
  if (protection) {
    return {
      kind: 'already-protected',
      protection,
      message:
        `Account ${accountId} is already protected by SCP ${policyLabel(protection.policy)} on ` +
        `${describeTarget(protection.target)}, which denies every action to its root user; nothing to do.`,
    };
  }

  const choice = choosePolicy(facts.existingPolicies, facts.policyName, partition, accountId);
  if (choice.kind === 'name-taken') {
    return {
      kind: 'refuse',
      refusal: {
        reason: 'name-taken',
        message:
          `Refusing to create SCP "${facts.policyName}": policy ${choice.policy.id} already has that name and ` +
          `${choice.why}. Fix that policy, or run again with another PolicyName.`,
      },
    };
  }
  const where = describeTarget(target);
  if (choice.kind === 'reuse') {
    const tag = choice.policy.rootguardTagged !== true;
    return {
      kind: 'attach',
      target,
      policy: { id: choice.policy.id, name: choice.policy.name, tag },
      actions: [
        ...(tag
          ? [`tag existing SCP ${policyLabel(choice.policy)} app=rootguard (its content is canonical)`]
          : []),
        `attach existing SCP ${policyLabel(choice.policy)} to ${where}`,
      ],
      message: `Attach the existing deny-root SCP ${policyLabel(choice.policy)} to ${where} to protect account ${accountId}.`,
    };
  }
  return {
    kind: 'attach',
    target,
    policy: { id: undefined, name: choice.name, tag: false },
    actions: [
      `create SCP "${choice.name}" denying every action to the root user (aws:AssumedRoot sessions exempt)`,
      `attach the new SCP "${choice.name}" to ${where}`,
    ],
    message: `Create the deny-root SCP "${choice.name}" and attach it to ${where} to protect account ${accountId}.`,
  };
}
