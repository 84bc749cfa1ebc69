/**
 * Live accounts: the organization read top-down once (buildOrgSnapshot, as `scan --org` and the snapshot
 * Lambda do), each account with its name and OU path as `scan --org` lists them (selectTargets).
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { CliError } from '../../cli/errors';
import { selectTargets } from '../../cli/org-scan';
import { buildOrgSnapshot } from '../../lib/org-snapshot';
import type { ReportAccount } from '../kpi';

export async function accountsFromOrganization(
  client: OrganizationsClient,
): Promise<{ organization: { id: string }; accounts: ReportAccount[] }> {
  const snapshot = await buildOrgSnapshot(client);
  if (!snapshot.organization) throw new CliError('These credentials belong to no AWS Organization');
  const accounts = selectTargets(snapshot).map(({ accountId, name, ouPath }) => ({
    accountId,
    name,
    ouPath,
  }));
  return { organization: { id: snapshot.organization.id }, accounts };
}
