import * as fc from 'fast-check';
import { factsSchema } from '../../../../rules/root-access-keys/facts';
import { booleanParameterArb, credentialSummaryArb } from '../../../helpers/rule-arbitraries';
import { describeRuleProperties } from '../../../helpers/rule-properties';

// Oracle (README "How each rule decides", rule.json): passes when root has no access keys and, unless
// IgnoreSigningCertificates is true, no signing certificates.
describe('root-access-keys properties', () => {
  describeRuleProperties({
    ruleId: 'root-access-keys',
    factsSchema,
    facts: fc.record({ summary: credentialSummaryArb }),
    params: fc.record({ IgnoreSigningCertificates: booleanParameterArb }, { requiredKeys: [] }),
    oracle: ({ summary }, params) => {
      const certificatesCount =
        summary.signingCertificatesPresent && params.IgnoreSigningCertificates !== true;
      return !summary.accessKeysPresent && !certificatesCount ? ['COMPLIANT'] : ['NON_COMPLIANT'];
    },
  });
});
