import { IAMClient } from '@aws-sdk/client-iam';
import { getRootCredentialSummary, listRootVirtualMfaDevices } from '../../lib/iam-root';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootHardwareMfaFacts } from './evaluate';

export async function collect(ctx: CollectContext<unknown>): Promise<RootHardwareMfaFacts> {
  const iam = ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials });
  const [summary, rootVirtualMfaDevices] = await Promise.all([
    getRootCredentialSummary(iam, ctx.accountId),
    listRootVirtualMfaDevices(iam, ctx.partition, ctx.accountId),
  ]);
  return { summary, rootVirtualMfaDevices };
}
