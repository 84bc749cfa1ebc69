/**
 * One record of the root activity ledger: every root event the alert path handled, kept in the tooling account
 * (DynamoDB, written by alerts/root-activity, read by `rootguard report`). The one shape both sides agree on,
 * and the schema a ledger export (JSON Lines, one record per line) is validated against.
 *
 * Idempotent on `eventId` (CloudTrail's eventID): EventBridge delivers at least once, and a retried
 * invocation must not count a sign-in twice.
 */

import { ACCOUNT_ID_PATTERN } from './partition';
import * as z from './zod-mini';

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });
const nonEmpty = () => z.string().check(z.minLength(1));

export const LEDGER_ACTIVITY_KINDS = ['console-sign-in', 'api-call', 'console-action'] as const;

// zod/mini (lib/zod-mini.ts): the alert Lambda writes these records, and its zip has no room for classic zod.
export const ledgerRecordSchema = z.strictObject({
  /** CloudTrail's eventID: the table's partition key and the idempotency key. */
  eventId: z.string().check(z.minLength(1), z.maxLength(128)),
  accountId: z.string().check(z.regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id')),
  eventTime: isoTime,
  eventName: nonEmpty(),
  eventSource: nonEmpty(),
  kind: z.enum(LEDGER_ACTIVITY_KINDS),
  /** `assumed-root`: a centralized-root-access task session (sts:AssumeRoot), not root's own credentials. */
  session: z.enum(['root-credentials', 'assumed-root']),
  outcome: z.enum(['success', 'failure']),
  region: nonEmpty(),
  sourceIp: z.optional(z.string()),
  userAgent: z.optional(z.string()),
  /** undefined: CloudTrail did not say. */
  mfaUsed: z.optional(z.boolean()),
  /** CloudTrail's additionalEventData.MFAIdentifier: the device that signed in, when recorded. */
  mfaDevice: z.optional(z.string()),
  /** The break-glass window the event fell in, or absent when none was open (undocumented use). */
  breakGlassWindowId: z.optional(z.string()),
  /** The root session this event was grouped into (alerts/root-activity session paging). */
  rootSessionId: nonEmpty(),
  /** This event paged (the first of its session, or a re-page); false: appended to a paged session. */
  paged: z.boolean(),
  /** When the page for this event went out; absent when it did not page. */
  alertedAt: z.optional(isoTime),
  /** alertedAt − eventTime in milliseconds: the alert latency MTTA is computed from. */
  alertLatencyMs: z.optional(z.int().check(z.nonnegative())),
});

export type LedgerRecord = z.infer<typeof ledgerRecordSchema>;

/** At least 400 days, so four whole quarters are always in the table. */
export const LEDGER_RETENTION_DAYS = 400;

/**
 * Items of other kinds share the ledger table under prefixed keys and carry `recordType` (the AssumeRoot
 * issuances alerts/root-activity/ledger.ts keeps for the audit-session check): they are not ledger records,
 * and every reader (`rootguard report`, an export) skips them.
 */
export const isLedgerRecordItem = (item: Record<string, unknown>): boolean => item.recordType === undefined;

const RECORD_FIELDS = Object.keys(ledgerRecordSchema.shape);

/**
 * The record fields of a ledger item, not yet validated: attributes the table keeps for itself (its TTL
 * `expiresAt`, the page claim's `claimedBy`/`claimedAt`) are not part of a record and are left out.
 */
export function ledgerRecordFields(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RECORD_FIELDS.filter((f) => f in item).map((f) => [f, item[f]]));
}
