/**
 * The key custody register as the root activity alert reads it: one DynamoDB item per account in the root activity
 * ledger table (`custody#<accountId>`) and one pointer item (`custody#current`), written by `rootguard custody
 * publish --ledger-table` beside the S3 copy the rules read. The alert reads two items by key with the DynamoDB
 * client it already has: the S3 client would not fit its zip budget, and nothing here grows with the organization
 * on the alert's side (two reads per sign-in, whatever the register's size).
 *
 * Every item carries the digest of the register it belongs to, and the pointer is written last: an account item
 * whose digest is not the pointer's belongs to an older register (an account since dropped from it) and counts as
 * absent, so a device dropped from the register never stays "registered" for the alert. The items carry
 * `recordType`, so ledger readers (`rootguard report`) skip them (lib/root-activity-ledger.ts).
 */
import { validateCustodyRegister } from './custody-register';
import type { CustodyAccount, CustodyRegister } from './custody-register-types';

export const CUSTODY_ITEM_PREFIX = 'custody#';
export const CUSTODY_CURRENT_KEY = `${CUSTODY_ITEM_PREFIX}current`;
export const CUSTODY_POINTER_TYPE = 'custody-register';
export const CUSTODY_ACCOUNT_TYPE = 'custody-register-account';

export const custodyAccountKey = (accountId: string) => `${CUSTODY_ITEM_PREFIX}${accountId}`;

/** What the writer stores: every account's item first, then the pointer (in this order). */
export function custodyItems(
  register: CustodyRegister,
  digest: string,
  publishedAt: string,
): { accounts: Record<string, unknown>[]; pointer: Record<string, unknown> } {
  return {
    accounts: register.accounts.map((account) => ({
      eventId: custodyAccountKey(account.accountId),
      recordType: CUSTODY_ACCOUNT_TYPE,
      registerDigest: digest,
      account,
    })),
    pointer: {
      eventId: CUSTODY_CURRENT_KEY,
      recordType: CUSTODY_POINTER_TYPE,
      registerDigest: digest,
      publishedAt,
      accounts: register.accounts.length,
    },
  };
}

/**
 * The register's entry for `accountId` from the two items read: `not-published` when no pointer exists, the
 * account (validated with the register's own schema) when its item belongs to the current register, undefined
 * when it does not (the account is not in the register). An item that does not validate is an error.
 */
export function custodyAccountFromItems(
  accountId: string,
  pointer: Record<string, unknown> | undefined,
  item: Record<string, unknown> | undefined,
): CustodyAccount | undefined | 'not-published' {
  if (pointer?.recordType !== CUSTODY_POINTER_TYPE || typeof pointer.registerDigest !== 'string') {
    return 'not-published';
  }
  if (item?.recordType !== CUSTODY_ACCOUNT_TYPE || item.registerDigest !== pointer.registerDigest)
    return undefined;
  const register = validateCustodyRegister(
    { version: 1, accounts: [item.account] },
    `ledger item ${custodyAccountKey(accountId)}`,
  );
  const account = register.accounts[0];
  return account?.accountId === accountId ? account : undefined;
}
