import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ComplianceChangeEvent,
  parseComplianceChangeEvent,
} from '../../../../findings/compliance-event';
import { InvalidComplianceEventError } from '../../../../findings/errors';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties, eventOrThrow } from '../../../helpers/parser-properties';

const sample = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../events', `${name}.json`), 'utf8'));

// Config compliance change events reaching findings/compliance-event.ts.
describe('compliance change event parser', () => {
  describeParserProperties<ComplianceChangeEvent>({
    input: 'value',
    cases: [
      'config-compliance-change-compliant',
      'config-compliance-change-non-compliant',
      'config-compliance-change-not-applicable',
      'config-compliance-change-conformance-pack',
    ].map((name) => ({ name, sample: sample(name) })),
    parse: eventOrThrow(parseComplianceChangeEvent),
    isTypedError: (error) => error instanceof InvalidComplianceEventError && error.issues.length > 0,
    // The verdict and the account that reach Security Hub are the event's own, never a default.
    invariant: (event, _mutated, raw) => {
      const result = ['detail', 'newEvaluationResult', 'complianceType'];
      expect(event.detail.newEvaluationResult.complianceType).toBe(ownAt(raw, result));
      expect(event.account).toBe(ownAt(raw, ['account']));
      expect(event.detail.awsAccountId).toBe(ownAt(raw, ['detail', 'awsAccountId']));
    },
  });
});
