import { IAMClient } from '@aws-sdk/client-iam';
import { getRootCredentialSummary, listRootVirtualMfaDevices } from '../../lib/iam-root';
import { readRootMfaInventory, rootAuditRoleArn, rootAuditStsRegion } from '../../lib/root-mfa-inventory';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootHardwareMfaFacts } from './evaluate';
import metadata from './rule.json';

/**
 * The account's own IAM through its execution role (the fallback path), and root's devices through the root
 * audit session when one can be opened (lib/root-mfa-inventory.ts says why not, otherwise).
 */
export async function collect(ctx: CollectContext<unknown>): Promise<RootHardwareMfaFacts> {
  const iam = ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials });
  const auditRoleArn = rootAuditRoleArn();
  const [summary, rootVirtualMfaDevices, inventory] = await Promise.all([
    getRootCredentialSummary(iam, ctx.accountId),
    listRootVirtualMfaDevices(iam, ctx.partition, ctx.accountId),
    // Without an audit role there is no session to open, and no need for the management account's id.
    (auditRoleArn ? ctx.orgSnapshot() : Promise.resolve(undefined)).then((snapshot) =>
      readRootMfaInventory({
        clients: ctx.clients,
        accountId: ctx.accountId,
        partition: ctx.partition,
        auditRoleArn,
        managementAccountId: snapshot?.organization?.managementAccountId,
        ruleId: metadata.id,
        stsRegion: rootAuditStsRegion(),
      }),
    ),
  ]);
  return { summary, rootVirtualMfaDevices, inventory };
}
