import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { custodyRegisterLocation, readCustodyRegister } from '../../lib/custody-register-store';
import { RootGuardError } from '../../lib/errors';
import { getRootCredentialSummary, listRootVirtualMfaDevices } from '../../lib/iam-root';
import { readRootMfaInventory, rootAuditRoleArn, rootAuditStsRegion } from '../../lib/root-mfa-inventory';
import type { CollectContext } from '../../lib/rule-handler';
import type { CustodyRegisterFacts, RootBackupMfaFacts, RootBackupMfaParams } from './evaluate';
import metadata from './rule.json';

/**
 * The summary and (management account only) the virtual devices through the account's execution role; the
 * devices through the root audit session; the register from the tooling account's own bucket with this Lambda's
 * own credentials, never the member account's (lib/custody-register-store.ts).
 */
export async function collect(ctx: CollectContext<RootBackupMfaParams>): Promise<RootBackupMfaFacts> {
  const { accountId, partition } = ctx;
  const iam = ctx.clients.client(IAMClient, { credentials: ctx.accountCredentials });
  const snapshot = await ctx.orgSnapshot();
  const [summary, inventory, register] = await Promise.all([
    getRootCredentialSummary(iam, accountId),
    readRootMfaInventory({
      clients: ctx.clients,
      accountId,
      partition,
      auditRoleArn: rootAuditRoleArn(),
      managementAccountId: snapshot.organization?.managementAccountId,
      ruleId: metadata.id,
      stsRegion: rootAuditStsRegion(),
    }),
    readRegister(ctx),
  ]);
  const facts: RootBackupMfaFacts = { summary, inventory, register };
  if (inventory.status === 'unavailable' && inventory.reason === 'management-account') {
    facts.rootVirtualMfaDevices = await listRootVirtualMfaDevices(iam, partition, accountId);
  }
  return facts;
}

async function readRegister(ctx: CollectContext<RootBackupMfaParams>): Promise<CustodyRegisterFacts> {
  const key = ctx.params.CustodyRegister;
  if (!key) return { status: 'not-configured' };
  const location = custodyRegisterLocation(key);
  try {
    const register = await readCustodyRegister(ctx.clients.client(S3Client), location);
    const account = register.accounts.find((a) => a.accountId === ctx.accountId);
    return {
      status: 'read',
      source: `s3://${location?.bucket}/${key}`,
      ...(account ? { account } : {}),
    };
  } catch (error) {
    // Typed failures (missing, AccessDenied, invalid) make the account NON_COMPLIANT with their reason;
    // anything else is not ours to explain and fails the evaluation.
    if (error instanceof RootGuardError) return { status: 'unavailable', reason: error.message };
    throw error;
  }
}
