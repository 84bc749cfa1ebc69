import type * as z from 'zod';
import { SCHEDULE_PAYLOAD_VERSION } from '../../../../alerts/root-activity/session-schedule';
import {
  type SchedulePayload,
  schedulePayloadSchema,
} from '../../../../alerts/root-activity/session-schedule-payload';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';

/** What a summary check's schedule hands the session-summary Lambda (alerts/root-activity/session-schedule.ts). */
const PAYLOAD: SchedulePayload = {
  v: SCHEDULE_PAYLOAD_VERSION,
  sessionKey: `${MEMBER_ACCOUNT}#root-credentials`,
  sessionId: `${MEMBER_ACCOUNT}-1763630101-a1b2`,
  token: '3f9c2a7e5b1d4c6a',
  seq: 2,
};

class InvalidPayload extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super(issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
  }
}

// The session-summary Lambda's input (alerts/session-summary/handler.ts validates it with this schema and
// refuses what fails, naming the issues).
describe('session summary schedule payload', () => {
  describeParserProperties<SchedulePayload>({
    input: 'value',
    cases: [{ name: 'a summary check', sample: PAYLOAD }],
    parse: (raw) => {
      const parsed = schedulePayloadSchema.safeParse(raw);
      if (!parsed.success) throw new InvalidPayload(parsed.error.issues);
      return parsed.data;
    },
    isTypedError: (error) => error instanceof InvalidPayload && error.issues.length > 0,
    // A payload that parses checks the session it names, with its own token and sequence: none is defaulted.
    invariant: (payload, mutated) => {
      expect(payload.sessionId).toBe(ownAt(mutated.value, ['sessionId']));
      expect(payload.token).toBe(ownAt(mutated.value, ['token']));
      expect(payload.seq).toBe(ownAt(mutated.value, ['seq']));
    },
  });
});
