import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LedgerRecord } from '../../../../lib/root-activity-ledger';
import { LedgerFileError, parseLedgerLines } from '../../../../report/sources/ledger-file';
import { type Mutated, ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';
import { ledgerRecord } from '../../../helpers/report-fixtures';

/** A paged root sign-in as the ledger export writes it, with every optional field present. */
const PAGED: LedgerRecord = ledgerRecord({
  eventId: '3b5a1e2c-9f4d-4c7b-8a6e-2d1f0e9c8b7a',
  eventTime: '2026-11-20T05:58:00Z',
  sourceIp: '198.51.100.23',
  mfaDevice: 'arn:aws:iam::222222222222:u2f/root-account-mfa-device/ABCDEFGHIJ',
  rootSessionId: 'session-222222222222-2026-11-20T05:58',
  alertedAt: '2026-11-20T05:58:09Z',
  alertLatencyMs: 9000,
});
const {
  mfaUsed: _m,
  mfaDevice: _d,
  alertedAt: _a,
  alertLatencyMs: _l,
  ...APPENDED
} = { ...PAGED, paged: false };

/** The first records of the sample export (examples/sample-ledger.jsonl), as an array: one line each. */
const SAMPLE_EXPORT = readFileSync(join(__dirname, '../../../../examples/sample-ledger.jsonl'), 'utf8')
  .split('\n')
  .slice(0, 4)
  .map((line) => JSON.parse(line));
/** JSON Lines: an array becomes one line per element; anything else is the line as the mutation left it. */
const asLines = (m: Mutated) =>
  Array.isArray(m.value) ? m.value.map((record) => JSON.stringify(record)).join('\n') : m.text;

// A ledger export (JSON Lines) read by `rootguard report --ledger` (report/sources/ledger-file.ts) against
// lib/root-activity-ledger.ts's record schema.
describe('root activity ledger export', () => {
  describeParserProperties<LedgerRecord[]>({
    input: 'text',
    cases: [
      { name: 'a paged sign-in', sample: PAGED },
      { name: 'an event appended to a paged session', sample: APPENDED },
      { name: 'the sample export, four lines', sample: SAMPLE_EXPORT, toInput: asLines },
    ],
    parse: (text) => parseLedgerLines(text as string, 'ledger.jsonl'),
    // Each problem names its line, the field and the reason.
    isTypedError: (error) => error instanceof LedgerFileError && /ledger\.jsonl:\d+: /.test(error.message),
    // No record is dropped, none pages or changes account by default.
    invariant: (records, mutated) => {
      // A text cut to nothing is an empty export: no records, which is what it says.
      const raw = Array.isArray(mutated.value)
        ? mutated.value
        : mutated.value === undefined
          ? []
          : [mutated.value];
      expect(records).toHaveLength(raw.length);
      records.forEach((record, i) => {
        expect(record.paged).toBe(ownAt(raw[i], ['paged']));
        expect(record.accountId).toBe(ownAt(raw[i], ['accountId']));
      });
    },
  });
});
