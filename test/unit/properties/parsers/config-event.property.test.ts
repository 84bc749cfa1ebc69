import { type ConfigRuleInvocation, parseConfigRuleEvent } from '../../../../lib/config-event';
import { InvalidConfigEventError } from '../../../../lib/errors';
import { configurationChangeEvent, scheduledEvent } from '../../../helpers/config-events';
import { MEMBER_ACCOUNT, REGION } from '../../../helpers/constants';
import type { Mutated } from '../../../helpers/mutations';
import { ownAt } from '../../../helpers/mutations';
import { describeParserProperties, UNREACHABLE } from '../../../helpers/parser-properties';

const scheduled = scheduledEvent({
  accountId: MEMBER_ACCOUNT,
  ruleParameters: { MaxDaysSinceLastUse: '30' },
});
const changed = configurationChangeEvent({
  accountId: MEMBER_ACCOUNT,
  captureTime: '2026-11-20T05:00:00.000Z',
});
/** The JSON text fields of the event, mutated on their own: Config hands them over as strings. */
const inner = (field: 'invokingEvent' | 'ruleParameters') => ({
  name: `scheduled event, its ${field} text`,
  sample: JSON.parse(scheduled[field] as string),
  toInput: (m: Mutated) => ({ ...scheduled, [field]: m.text }),
});

// Config custom-rule events reaching lib/config-event.ts (every rule handler's first step).
describe('Config rule event parser', () => {
  describeParserProperties<ConfigRuleInvocation>({
    input: 'value',
    cases: [
      { name: 'scheduled event', sample: scheduled },
      { name: 'configuration change event', sample: changed },
      inner('invokingEvent'),
      inner('ruleParameters'),
    ],
    parse: (raw) => parseConfigRuleEvent(raw, REGION),
    isTypedError: (error) => error instanceof InvalidConfigEventError,
    // The account judged is the event's own; a result token is never invented (a test-mode token would
    // throw the evaluation away).
    invariant: (invocation, _mutated, raw) => {
      if (raw === UNREACHABLE) return;
      expect(invocation.accountId).toBe(ownAt(raw, ['accountId']));
      expect(invocation.resultToken).toBe(ownAt(raw, ['resultToken']));
    },
  });
});
