/**
 * Break-glass windows: documented, two-person-approved periods in which root use of one account is expected.
 * A window marks root activity as expected (MEDIUM instead of CRITICAL, the ticket on the finding, not counted
 * against the idle rule) but never silences it. Windows are kept after they end: each is audit evidence.
 * This module is pure; lib/break-glass-store.ts reads and writes them.
 */

import { ACCOUNT_ID_PATTERN } from './partition';
import * as z from './zod-mini';

/** The longest window the runbook allows (4 hours). */
export const MAX_WINDOW_MINUTES = 240;

export const TICKET_ID_PATTERN = '^[A-Za-z][A-Za-z0-9_.:/#-]{1,63}$';
export const REASON_PATTERN = '^[^\\r\\n]{10,500}$';

export const breakGlassWindowSchema = z.pipe(
  z
    .object({
      accountId: z.string().check(z.regex(ACCOUNT_ID_PATTERN)),
      /** The SSM Automation execution that opened it: unique, and the link to the approval record. */
      windowId: z.string().check(z.minLength(1)),
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.iso.datetime({ offset: true }),
      reason: z.string().check(z.regex(new RegExp(REASON_PATTERN))),
      ticketId: z.string().check(z.regex(new RegExp(TICKET_ID_PATTERN))),
      approvers: z.array(z.string().check(z.minLength(1))),
      requestedBy: z.optional(z.string()),
    })
    .check(
      z.refine((w) => Date.parse(w.endsAt) > Date.parse(w.startsAt), 'endsAt must be after startsAt'),
      z.refine(
        (w) => Date.parse(w.endsAt) - Date.parse(w.startsAt) <= MAX_WINDOW_MINUTES * 60_000,
        `a window lasts at most ${MAX_WINDOW_MINUTES} minutes`,
      ),
    ),
  // One canonical form (UTC, milliseconds): the store compares these as strings in its sort key and filter.
  z.transform((w) => ({
    ...w,
    startsAt: new Date(w.startsAt).toISOString(),
    endsAt: new Date(w.endsAt).toISOString(),
  })),
);

export type BreakGlassWindow = z.infer<typeof breakGlassWindowSchema>;

/** True when `time` falls inside the window (start inclusive, end exclusive). */
export function windowCovers(window: BreakGlassWindow, time: string | Date): boolean {
  const t = typeof time === 'string' ? Date.parse(time) : time.getTime();
  return Date.parse(window.startsAt) <= t && t < Date.parse(window.endsAt);
}

/** The window of `accountId` that covers `time`, if any (the latest-starting one when several overlap). */
export function windowCovering(
  windows: readonly BreakGlassWindow[],
  accountId: string,
  time: string | Date,
): BreakGlassWindow | undefined {
  return windows
    .filter((w) => w.accountId === accountId && windowCovers(w, time))
    .sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt))[0];
}
