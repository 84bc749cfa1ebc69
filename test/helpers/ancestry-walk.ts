/**
 * How root-deny-scp collected its facts before the organization snapshot: each account's ancestry walked
 * bottom-up with lib/org-tree.ts's OrgReader (ListParents, ListPoliciesForTarget, DescribePolicy). No longer
 * on the production path; kept as the oracle of the differential test and the baseline of the bench.
 */
import { CollectError, errorName } from '../../lib/errors';
import type { OrgReader } from '../../lib/org-tree';
import type { RootDenyScpFacts } from '../../rules/root-deny-scp/evaluate';

export async function collectRootDenyScpByWalk(
  reader: OrgReader,
  accountId: string,
): Promise<RootDenyScpFacts> {
  const organization = await reader.describeOrganization(accountId);
  const skipTree =
    !organization ||
    organization.managementAccountId === accountId ||
    organization.featureSet !== 'ALL' ||
    !organization.scpEnabled;
  if (skipTree) return { organization, accountInOrganization: organization !== null, chain: [] };
  try {
    return { organization, accountInOrganization: true, chain: await reader.scpChain(accountId) };
  } catch (error) {
    const cause = error instanceof CollectError ? error.cause : error;
    if (errorName(cause) === 'ChildNotFoundException') {
      return { organization, accountInOrganization: false, chain: [] };
    }
    throw error;
  }
}
