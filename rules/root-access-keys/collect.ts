import { IAMClient } from '@aws-sdk/client-iam';
import { getRootCredentialSummary } from '../../lib/iam-root';
import type { CollectContext } from '../../lib/rule-handler';
import type { RootAccessKeysFacts, RootAccessKeysParams } from './evaluate';

export async function collect(ctx: CollectContext<RootAccessKeysParams>): Promise<RootAccessKeysFacts> {
  const iam = ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials });
  return { summary: await getRootCredentialSummary(iam, ctx.accountId) };
}
