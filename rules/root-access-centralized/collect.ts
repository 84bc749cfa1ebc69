import { IAMClient } from '@aws-sdk/client-iam';
import { getRootCredentialSummary } from '../../lib/iam-root';
import { isOrganizationMember } from '../../lib/org-snapshot';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootAccessCentralizedFacts } from './evaluate';

/**
 * The features come from the organization snapshot (the builder reads iam:ListOrganizationsFeatures with the
 * management account's role, once per snapshot); only the root credential summary is read in the account, and
 * only for a member account, where it tells whether enabling the features left credentials behind.
 */
export async function collect(ctx: CollectContext<unknown>): Promise<RootAccessCentralizedFacts> {
  const snapshot = await ctx.orgSnapshot();
  const { organization } = snapshot;
  const accountInOrganization = isOrganizationMember(snapshot, ctx.accountId);
  const member = accountInOrganization && organization?.managementAccountId !== ctx.accountId;
  const readCredentials = () =>
    getRootCredentialSummary(
      ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials }),
      ctx.accountId,
    );
  return {
    organization,
    accountInOrganization,
    snapshotBuiltAt: snapshot.builtAt,
    rootAccessFeatures: snapshot.rootAccessFeatures ?? null,
    rootCredentials: member ? await readCredentials() : null,
  };
}
