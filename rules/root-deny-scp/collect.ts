import { hasScpTree, isOrganizationMember, scpChainFromSnapshot } from '../../lib/org-snapshot';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootDenyScpFacts, RootDenyScpParams } from './evaluate';

/**
 * Organizations is never read here: the SCP chain comes from the organization snapshot every container
 * shares (lib/org-snapshot-store.ts), which the builder Lambda reads with its own role.
 */
export async function collect(ctx: CollectContext<RootDenyScpParams>): Promise<RootDenyScpFacts> {
  const snapshot = await ctx.orgSnapshot();
  const { organization } = snapshot;
  const accountInOrganization = isOrganizationMember(snapshot, ctx.accountId);
  // SCPs never apply to the management account; without all features or SCPs there is no chain to read.
  const skipTree =
    !accountInOrganization ||
    !hasScpTree(organization) ||
    organization?.managementAccountId === ctx.accountId;
  if (skipTree) return { organization, accountInOrganization, chain: [] };
  return { organization, accountInOrganization, chain: scpChainFromSnapshot(snapshot, ctx.accountId) };
}
