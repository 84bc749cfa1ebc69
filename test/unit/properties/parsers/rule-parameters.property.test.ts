import { InvalidRuleParametersError } from '../../../../lib/errors';
import { parseRuleParameters, type RuleParameters } from '../../../../lib/parameters';
import { allParameters } from '../../../../lib/rule-metadata';
import { getRule } from '../../../../rules';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { type Mutated, ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';

/** Real-shaped ruleParameters of each rule with parameters, as Config hands them over (strings). */
const SAMPLES: Record<string, Record<string, string>> = {
  'root-access-keys': { IgnoreSigningCertificates: 'true', ExecutionRoleName: 'RootGuardExecutionRole' },
  'root-user-idle': { MaxDaysSinceLastUse: '30' },
  'root-deny-scp': { RequiredPolicyIds: 'p-12345678,p-abcdefgh' },
  'root-activity-alerting': {
    CentralEventBusArn: 'arn:aws:events:eu-west-1:444444444444:event-bus/rootguard-central',
    ForwardingRegions: 'us-east-1,eu-west-1',
    MetricFilterRegion: 'us-east-1',
  },
};
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

// Rule parameters reaching lib/parameters.ts, per rule (its rule.json definitions).
describe.each(Object.keys(SAMPLES))('rule parameters of %s', (ruleId) => {
  const { metadata } = getRule(ruleId);
  describeParserProperties<RuleParameters>({
    label: `ruleParameters of ${ruleId}`,
    input: 'value',
    cases: [{ name: 'ruleParameters', sample: SAMPLES[ruleId] }],
    parse: (raw) => parseRuleParameters(metadata, raw, MEMBER_ACCOUNT),
    isTypedError: (error) => error instanceof InvalidRuleParametersError && error.message.includes(ruleId),
    // No flipped meaning: a Boolean is true only when the value says true, an Integer is the number written,
    // a blank value is the documented default and nothing else.
    invariant: (params, _mutated: Mutated, raw) => {
      for (const def of allParameters(metadata)) {
        const given = ownAt(raw, [def.name]);
        const value = isBlank(given) ? def.default : given;
        const parsed = params[def.name];
        if (def.type === 'Boolean' && parsed !== undefined) {
          expect(parsed).toBe(String(value).trim().toLowerCase() === 'true');
        }
        if (def.type === 'Integer' && parsed !== undefined) expect(parsed).toBe(Number(String(value).trim()));
        if (value === undefined) expect(parsed).toBeUndefined();
      }
    },
  });
});
