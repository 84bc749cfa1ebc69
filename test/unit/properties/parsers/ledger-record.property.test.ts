import * as z from 'zod';
import { type LedgerRecord, ledgerRecordSchema } from '../../../../lib/root-activity-ledger';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';

const PAGED: LedgerRecord = {
  eventId: '3b5a1e2c-9f4d-4c7b-8a6e-2d1f0e9c8b7a',
  accountId: MEMBER_ACCOUNT,
  eventTime: '2026-11-20T05:58:00Z',
  eventName: 'ConsoleLogin',
  eventSource: 'signin.amazonaws.com',
  kind: 'console-sign-in',
  session: 'root-credentials',
  outcome: 'success',
  region: 'us-east-1',
  sourceIp: '198.51.100.23',
  userAgent: 'Mozilla/5.0',
  mfaUsed: true,
  mfaDevice: 'arn:aws:iam::222222222222:u2f/root-account-mfa-device/ABCDEFGHIJ',
  rootSessionId: 'session-222222222222-2026-11-20T05:58',
  paged: true,
  alertedAt: '2026-11-20T05:58:09Z',
  alertLatencyMs: 9000,
};
const {
  mfaUsed: _m,
  mfaDevice: _d,
  alertedAt: _a,
  alertLatencyMs: _l,
  ...APPENDED
} = { ...PAGED, paged: false };

// One line of a ledger export (JSON Lines) checked against lib/root-activity-ledger.ts.
describe('root activity ledger record', () => {
  describeParserProperties<LedgerRecord>({
    input: 'text',
    cases: [
      { name: 'a paged sign-in', sample: PAGED },
      { name: 'an event appended to a paged session', sample: APPENDED },
    ],
    parse: (line) => ledgerRecordSchema.parse(JSON.parse(line as string)),
    // A line that is not JSON is a SyntaxError the export reader reports with its line number; anything
    // else must be zod's error with the field's path.
    isTypedError: (error) =>
      error instanceof SyntaxError ||
      (error instanceof z.ZodError && error.issues.every((i) => i.message !== '')),
    // A record never pages, or changes account, by default.
    invariant: (record, mutated) => {
      expect(record.paged).toBe(ownAt(mutated.value, ['paged']));
      expect(record.accountId).toBe(ownAt(mutated.value, ['accountId']));
    },
  });
});
