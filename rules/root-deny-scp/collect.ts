import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CollectError, errorName } from '../../lib/errors';
import { OrgReader } from '../../lib/org-tree';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootDenyScpFacts, RootDenyScpParams } from './evaluate';

/** Organizations is read centrally: with the Lambda's own credentials, or the OrgReadRoleArn role. */
export async function orgReaderFor(ctx: CollectContext<RootDenyScpParams>): Promise<OrgReader> {
  const roleArn = ctx.params.OrgReadRoleArn;
  const credentials = roleArn
    ? await ctx.clients.assumeRole(roleArn, 'rootguard-org-read', ctx.accountId)
    : undefined;
  return new OrgReader(ctx.clients.client(OrganizationsClient, { credentials }), roleArn ?? 'self');
}

export async function collect(ctx: CollectContext<RootDenyScpParams>): Promise<RootDenyScpFacts> {
  const reader = await orgReaderFor(ctx);
  const organization = await reader.describeOrganization(ctx.accountId);
  const skipTree =
    !organization ||
    organization.managementAccountId === ctx.accountId ||
    organization.featureSet !== 'ALL' ||
    !organization.scpEnabled;
  if (skipTree) return { organization, accountInOrganization: organization !== null, chain: [] };
  try {
    return { organization, accountInOrganization: true, chain: await reader.scpChain(ctx.accountId) };
  } catch (error) {
    const cause = error instanceof CollectError ? error.cause : error;
    if (errorName(cause) === 'ChildNotFoundException') {
      return { organization, accountInOrganization: false, chain: [] };
    }
    throw error;
  }
}
