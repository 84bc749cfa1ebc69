/**
 * root-deny-scp — an SCP denies every action to the root user of the account.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Scenarios:
 *  - a deny-root SCP is attached to the account, an OU above it (at any depth) or the organization root
 *    → COMPLIANT, naming the policy and where it is attached (the nearest one)
 *  - the only deny-root SCP is not among RequiredPolicyIds → NON_COMPLIANT
 *  - an SCP targets root but denies only some actions, or is narrowed by other conditions → NON_COMPLIANT, says why
 *  - no SCP targets root (or only a sibling OU has one) → NON_COMPLIANT
 *  - the management account → NOT_APPLICABLE (SCPs never apply to it)
 *  - no organization, consolidated-billing-only organization, SCPs disabled, account not in the organization
 *    → NON_COMPLIANT
 */
import { analyzeDenyRootPolicy } from '../../lib/deny-root-policy';
import { compliant, nonCompliant, notApplicable, type RuleEvaluation } from '../../lib/evaluation';
import type { OrganizationFacts, TargetPolicies, TargetType } from '../../lib/org-tree';
import type { EvaluateContext } from '../../lib/rule-handler';

export interface RootDenyScpFacts {
  organization: OrganizationFacts | null;
  /** False when the organization read does not contain the account. */
  accountInOrganization: boolean;
  /** SCPs by attachment point, the account first and the organization root last; empty when not read. */
  chain: TargetPolicies[];
}

export interface RootDenyScpParams {
  RequiredPolicyIds?: string[];
}

function where(targetType: TargetType, targetId: string): string {
  if (targetType === 'ACCOUNT') return 'the account itself';
  if (targetType === 'ROOT') return `the organization root ${targetId}`;
  return `OU ${targetId}`;
}

export function evaluate(
  facts: RootDenyScpFacts,
  params: RootDenyScpParams,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId, partition } = ctx;
  const org = facts.organization;
  if (!org) return [nonCompliant(accountId, 'is in no AWS Organization, so no SCP can deny its root user')];
  if (org.managementAccountId === accountId) {
    return [notApplicable(accountId, `is the management account of ${org.id}; SCPs never apply to it`)];
  }
  if (org.featureSet !== 'ALL') {
    return [nonCompliant(accountId, `organization ${org.id} has no "all features", so SCPs are unavailable`)];
  }
  if (!org.scpEnabled) {
    return [nonCompliant(accountId, `the SCP policy type is not enabled in organization ${org.id}`)];
  }
  if (!facts.accountInOrganization) {
    return [nonCompliant(accountId, `is not a member of organization ${org.id}, which rootguard reads`)];
  }

  const required = params.RequiredPolicyIds ?? [];
  const seen = new Set<string>();
  const denying: string[] = [];
  const notRequired: string[] = [];
  const partial: string[] = [];
  for (const target of facts.chain) {
    for (const policy of target.policies) {
      if (seen.has(policy.id)) continue;
      seen.add(policy.id);
      const verdict = analyzeDenyRootPolicy(policy.content, partition, accountId);
      const label = `${policy.id} (${policy.name}) on ${where(target.targetType, target.targetId)}`;
      if (verdict.denies && (required.length === 0 || required.includes(policy.id))) denying.push(label);
      else if (verdict.denies) notRequired.push(label);
      else if (verdict.partial || required.includes(policy.id)) partial.push(`${label} ${verdict.reason}`);
    }
  }

  if (denying.length > 0) {
    const more = denying.length > 1 ? ` (and ${denying.length - 1} more)` : '';
    return [compliant(accountId, `SCP ${denying[0]} denies all actions to the root user${more}`)];
  }
  if (notRequired.length > 0) {
    return [
      nonCompliant(
        accountId,
        `SCP ${notRequired[0]} denies root but is not in RequiredPolicyIds (${required.join(', ')})`,
      ),
    ];
  }
  if (partial.length > 0) {
    return [nonCompliant(accountId, `no SCP denies all actions to root; ${partial.join('; ')}`)];
  }
  return [
    nonCompliant(
      accountId,
      'no SCP on the account, its OUs or the organization root denies all actions to root',
    ),
  ];
}
