/**
 * One record of the root activity ledger: every root event the alert path handled, kept in the tooling account
 * (DynamoDB, written by alerts/root-activity, read by `rootguard report`). The one shape both sides agree on,
 * and the schema a ledger export (JSON Lines, one record per line) is validated against.
 *
 * Idempotent on `eventId` (CloudTrail's eventID): EventBridge delivers at least once, and a retried
 * invocation must not count a sign-in twice.
 */
import * as z from 'zod';
import { ACCOUNT_ID_PATTERN } from './partition';

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time' });

export const LEDGER_ACTIVITY_KINDS = ['console-sign-in', 'api-call', 'console-action'] as const;

export const ledgerRecordSchema = z.strictObject({
  /** CloudTrail's eventID: the table's partition key and the idempotency key. */
  eventId: z.string().min(1).max(128),
  accountId: z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id'),
  eventTime: isoTime,
  eventName: z.string().min(1),
  eventSource: z.string().min(1),
  kind: z.enum(LEDGER_ACTIVITY_KINDS),
  /** `assumed-root`: a centralized-root-access task session (sts:AssumeRoot), not root's own credentials. */
  session: z.enum(['root-credentials', 'assumed-root']),
  outcome: z.enum(['success', 'failure']),
  region: z.string().min(1),
  sourceIp: z.string().optional(),
  userAgent: z.string().optional(),
  /** undefined: CloudTrail did not say. */
  mfaUsed: z.boolean().optional(),
  /** CloudTrail's additionalEventData.MFAIdentifier: the device that signed in, when recorded. */
  mfaDevice: z.string().optional(),
  /** The break-glass window the event fell in, or absent when none was open (undocumented use). */
  breakGlassWindowId: z.string().optional(),
  /** The root session this event was grouped into (alerts/root-activity session paging). */
  rootSessionId: z.string().min(1),
  /** This event paged (the first of its session, or a re-page); false: appended to a paged session. */
  paged: z.boolean(),
  /** When the page for this event went out; absent when it did not page. */
  alertedAt: isoTime.optional(),
  /** alertedAt − eventTime in milliseconds: the alert latency MTTA is computed from. */
  alertLatencyMs: z.number().int().nonnegative().optional(),
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
