/**
 * The zod schema of a stored root session (session.ts SessionState), for the readers that validate it in full:
 * the session-summary Lambda and the tests. Its own module so the alert Lambda, which only checks the shape
 * of what it wrote itself (session-store.ts), does not carry it within its 250 KB.
 */
import * as z from 'zod';
import type { SessionState } from './session';

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

export const sessionStateSchema = z.object({
  sessionId: z.string().min(1),
  sessionKey: z.string().min(1),
  accountId: z.string().regex(/^\d{12}$/),
  channel: z.enum(['access-key', 'console']),
  token: z.string().min(16),
  startedAt: isoTime,
  lastEventAt: isoTime,
  openedAt: isoTime,
  eventCount: count,
  eventIds: z.array(z.string()),
  pending: z.array(
    z.object({ eventId: z.string(), decision: z.enum(['page', 're-page']), reasons: z.array(z.string()) }),
  ),
  pages: count,
  failures: count,
  failedSignIns: count,
  sourceIps: z.array(z.string()),
  userAgents: z.array(z.string()),
  counts: z.record(z.string(), count),
  otherCalls: count,
  notable: z.array(
    z.object({
      eventId: z.string(),
      eventTime: isoTime,
      action: z.string(),
      region: z.string(),
      outcome: z.enum(['success', 'failure']),
      categories: z.array(z.string()),
    }),
  ),
  notableOverflow: count,
  summaries: count,
  lastSummaryAt: isoTime.optional(),
  closedAt: isoTime.optional(),
  nextCheckAt: isoTime.optional(),
  checkSeq: count,
}) satisfies z.ZodType<SessionState>;

/** A stored session validated in full, or undefined. */
export function parseSessionState(raw: unknown): SessionState | undefined {
  const parsed = sessionStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
