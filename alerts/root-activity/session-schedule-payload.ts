/**
 * The payload of a session summary check (session-schedule.ts writes it, the session-summary Lambda validates
 * it). Its own module so that the zod schema stays out of the alert Lambda's bundle, which only writes it.
 */
import * as z from 'zod';
import { SCHEDULE_PAYLOAD_VERSION, type SchedulePayload } from './session-schedule';

export const schedulePayloadSchema = z.strictObject({
  v: z.literal(SCHEDULE_PAYLOAD_VERSION),
  sessionKey: z.string().min(1).max(200),
  sessionId: z.string().regex(/^\d{12}-\d{1,12}-[a-z0-9]{1,8}$/i, 'expected a rootguard session id'),
  token: z.string().min(16).max(64),
  seq: z.number().int().positive(),
}) satisfies z.ZodType<SchedulePayload>;

export type { SchedulePayload };
