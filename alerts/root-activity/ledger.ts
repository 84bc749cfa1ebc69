/**
 * The root activity ledger's writes (record shape: lib/root-activity-ledger.ts; table: serverless.yml
 * RootActivityLedgerTable, partition key `eventId`). Every root event the alert path handles is one item,
 * kept LEDGER_RETENTION_DAYS after the event (DynamoDB TTL on `expiresAt`).
 *
 * Idempotent on CloudTrail's eventID: every write is conditional, and "already there" is success, so a
 * retried invocation or a duplicate EventBridge delivery never counts an event twice.
 *
 * The same item is the page's idempotency marker (ARCHITECTURE.md, "One page per event"):
 *   claimPage     writes the record before the page, with `claimedBy` = the Lambda request id (Lambda keeps
 *                 it across the retries of one asynchronous invocation) and no `alertedAt`;
 *   completePage  writes it again with `alertedAt` once the page is out (only while `alertedAt` is absent).
 * A second delivery that finds `alertedAt` does not page; one that finds another invocation's fresh claim
 * leaves the page to it (that invocation throws and is retried if it fails).
 *
 * Items of another kind share the table under a prefixed key: the AssumeRoot issuances the audit-session check
 * reads (`assume-root#<accessKeyId>`, a day of TTL), and the key custody register `rootguard custody publish`
 * writes for the alert (`custody#…`, lib/custody-register-items.ts). `ledgerRecordFromItem` returns only ledger
 * records.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  CUSTODY_CURRENT_KEY,
  custodyAccountFromItems,
  custodyAccountKey,
} from '../../lib/custody-register-items';
import { documentClient, isConditionFailure } from '../../lib/document-client';
import { awsCall, errorMessage } from '../../lib/errors';
import {
  isLedgerRecordItem,
  LEDGER_RETENTION_DAYS,
  type LedgerRecord,
  ledgerRecordFields,
  ledgerRecordSchema,
} from '../../lib/root-activity-ledger';
import type { RootSessionIssuance } from './audit-session';
import type { CustodyLookup, CustodyLookupResult } from './device-custody';

const DAY_SECONDS = 86_400;
/** Issuances are read within minutes of the session (900 s at most); a day leaves room for late events. */
export const ISSUANCE_RETENTION_DAYS = 1;
export const ISSUANCE_KEY_PREFIX = 'assume-root#';
export const ISSUANCE_RECORD_TYPE = 'root-session-issuance';

/** The TTL of a ledger record: at least LEDGER_RETENTION_DAYS after the event, in epoch seconds. */
export function ledgerExpiresAt(eventTime: string): number {
  return Math.floor(Date.parse(eventTime) / 1000) + LEDGER_RETENTION_DAYS * DAY_SECONDS;
}

function ledgerItem(record: LedgerRecord, extra: Record<string, unknown> = {}) {
  const valid = ledgerRecordSchema.parse(record);
  return { ...valid, ...extra, expiresAt: ledgerExpiresAt(valid.eventTime) };
}

async function conditionalPut(
  client: DynamoDBClient,
  table: string,
  item: Record<string, unknown>,
  condition: string,
  accountId: string | undefined,
): Promise<{ created: boolean }> {
  try {
    await documentClient(client).send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: condition }),
    );
    return { created: true };
  } catch (error) {
    if (isConditionFailure(error)) return { created: false };
    return awsCall('dynamodb:PutItem', accountId, () => Promise.reject(error));
  }
}

/**
 * Records one root event; recording the same event id twice changes nothing (`created: false`). The one
 * write the session grouping (alerts/root-activity, issue 15) reuses for the events it appends.
 */
export async function recordRootActivity(
  client: DynamoDBClient,
  table: string,
  record: LedgerRecord,
): Promise<{ created: boolean }> {
  return await putRecord(client, table, record, 'attribute_not_exists(eventId)');
}

/** A ledger record written only if `condition` holds; "already there" is `created: false`. */
function putRecord(client: DynamoDBClient, table: string, record: LedgerRecord, condition: string) {
  return conditionalPut(client, table, ledgerItem(record), condition, record.accountId);
}

async function getItem(
  client: DynamoDBClient,
  table: string,
  eventId: string,
  accountId: string | undefined,
): Promise<Record<string, unknown> | undefined> {
  const out = await awsCall('dynamodb:GetItem', accountId, () =>
    documentClient(client).send(new GetCommand({ TableName: table, Key: { eventId }, ConsistentRead: true })),
  );
  return out?.Item;
}

export type PageClaim =
  /** Nobody paged this event yet: this invocation pages. */
  | { state: 'claimed' }
  /** A page already went out (`alertedAt`): do not page again. */
  | { state: 'already-paged'; alertedAt: string }
  /** Another invocation claimed it `ageMs` ago and has not finished: it pages (or fails and is retried). */
  | { state: 'claimed-elsewhere'; ageMs: number }
  /**
   * The id is taken by ANOTHER account's event. CloudTrail event ids are unique, so this should not happen;
   * if it does, the event pages (never silenced by someone else's record) and is not recorded.
   */
  | { state: 'id-collision'; otherAccountId: string };

/** A claim older than this belongs to an invocation that died without retrying: page. */
export const CLAIM_STALE_MS = 15 * 60_000;

export async function claimPage(
  client: DynamoDBClient,
  table: string,
  record: LedgerRecord,
  claim: { requestId: string; at: Date },
): Promise<PageClaim> {
  const item = ledgerItem(record, { claimedBy: claim.requestId, claimedAt: claim.at.toISOString() });
  let put: { created: boolean };
  try {
    put = await conditionalPut(client, table, item, 'attribute_not_exists(eventId)', record.accountId);
  } catch (error) {
    // The claim could not be written (throttled, say): a page the ledger already holds still counts, so a
    // duplicate delivery does not page twice while writes fail. Anything else: the caller pages, then fails.
    const existing = await getItem(client, table, record.eventId, record.accountId).catch(() => undefined);
    if (existing?.accountId === record.accountId && typeof existing.alertedAt === 'string') {
      return { state: 'already-paged', alertedAt: existing.alertedAt };
    }
    throw error;
  }
  if (put.created) return { state: 'claimed' };
  const existing = await getItem(client, table, record.eventId, record.accountId);
  if (existing === undefined) return { state: 'claimed' };
  if (existing.accountId !== record.accountId) {
    return { state: 'id-collision', otherAccountId: String(existing.accountId) };
  }
  if (typeof existing.alertedAt === 'string')
    return { state: 'already-paged', alertedAt: existing.alertedAt };
  // Our own earlier attempt (a Lambda retry keeps the request id) or a dead one: page.
  if (existing.claimedBy === claim.requestId) return { state: 'claimed' };
  const claimedAt = typeof existing.claimedAt === 'string' ? Date.parse(existing.claimedAt) : Number.NaN;
  const ageMs = claim.at.getTime() - claimedAt;
  if (Number.isNaN(ageMs) || ageMs > CLAIM_STALE_MS) return { state: 'claimed' };
  return { state: 'claimed-elsewhere', ageMs };
}

/** Writes the record with its page time; a second completion of the same event changes nothing. */
export async function completePage(
  client: DynamoDBClient,
  table: string,
  record: LedgerRecord & { alertedAt: string },
): Promise<{ created: boolean }> {
  return await putRecord(client, table, record, 'attribute_not_exists(alertedAt)');
}

/** Keeps an AssumeRoot issuance for the member-side events of its session (idempotent on the key id). */
export function recordRootSessionIssuance(
  client: DynamoDBClient,
  table: string,
  issuance: RootSessionIssuance,
): Promise<{ created: boolean }> {
  // The session's own expiry is `sessionExpiresAt`: `expiresAt` is the table's TTL attribute (epoch seconds).
  const { expiresAt: sessionExpiresAt, ...rest } = issuance;
  const item = {
    ...rest,
    sessionExpiresAt,
    eventId: `${ISSUANCE_KEY_PREFIX}${issuance.accessKeyId}`,
    recordType: ISSUANCE_RECORD_TYPE,
    expiresAt: Math.floor(Date.parse(issuance.issuedAt) / 1000) + ISSUANCE_RETENTION_DAYS * DAY_SECONDS,
  };
  return conditionalPut(client, table, item, 'attribute_not_exists(eventId)', issuance.callerAccountId);
}

const ISSUANCE_FIELDS = [
  'accessKeyId',
  'targetAccountId',
  'callerAccountId',
  'callerArn',
  'taskPolicyArn',
  'issuedAt',
  'expiresAt',
] as const;

/** The issuance of `accessKeyId`, if one was recorded; undefined when none or malformed. */
export async function readRootSessionIssuance(
  client: DynamoDBClient,
  table: string,
  accessKeyId: string,
  accountId: string,
): Promise<RootSessionIssuance | undefined> {
  const item = await getItem(client, table, `${ISSUANCE_KEY_PREFIX}${accessKeyId}`, accountId);
  if (item === undefined || item.recordType !== ISSUANCE_RECORD_TYPE) return undefined;
  const issuance: Record<string, string> = {};
  for (const field of ISSUANCE_FIELDS) {
    const value = field === 'expiresAt' ? item.sessionExpiresAt : item[field];
    if (typeof value !== 'string') return undefined;
    issuance[field] = value;
  }
  return issuance as unknown as RootSessionIssuance;
}

/**
 * A ledger item as `rootguard report` or an export reads it (lib/root-activity-ledger.ts): the LedgerRecord
 * without the store's own attributes, or undefined for items of another kind (issuances).
 */
export function ledgerRecordFromItem(item: Record<string, unknown>): LedgerRecord | undefined {
  return isLedgerRecordItem(item) ? ledgerRecordSchema.parse(ledgerRecordFields(item)) : undefined;
}

/** How long one container keeps what it read of the register: a publish reaches alerts within five minutes. */
export const CUSTODY_CACHE_MS = 5 * 60_000;

/**
 * The key custody register lookup of the deployed alert: the account's item and the pointer, read by key from
 * the ledger table (lib/custody-register-items.ts), cached per account for CUSTODY_CACHE_MS. Never throws: a read
 * that fails or an item that does not validate is 'unavailable' (not cached), so the alert still goes out and
 * says the register could not be checked.
 */
export function custodyLookupFromLedger(
  client: DynamoDBClient,
  table: string,
  now: () => Date,
  onFailure: (reason: string) => void = () => undefined,
): CustodyLookup {
  const cache = new Map<string, { result: CustodyLookupResult | 'not-configured'; until: number }>();
  return async (accountId) => {
    const t = now().getTime();
    const cached = cache.get(accountId);
    if (cached && cached.until > t) return cached.result;
    try {
      const [pointer, item] = await Promise.all([
        getItem(client, table, CUSTODY_CURRENT_KEY, accountId),
        getItem(client, table, custodyAccountKey(accountId), accountId),
      ]);
      const found = custodyAccountFromItems(accountId, pointer, item);
      const result = found === 'not-published' ? 'not-configured' : found;
      cache.set(accountId, { result, until: t + CUSTODY_CACHE_MS });
      return result;
    } catch (error) {
      cache.delete(accountId);
      onFailure(errorMessage(error));
      return 'unavailable';
    }
  };
}
