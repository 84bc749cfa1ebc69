import * as fc from 'fast-check';
import type { ComplianceType } from '../../../../lib/evaluation';
import type { RootAccessCentralizedFacts } from '../../../../rules/root-access-centralized/evaluate';
import { factsSchema } from '../../../../rules/root-access-centralized/facts';
import { credentialSummaryArb, organizationFactsArbs } from '../../../helpers/rule-arbitraries';
import {
  bindPlaceholders,
  describeRuleProperties,
  isoTimeArb,
  junkyRecord,
  sometimesJunk,
} from '../../../helpers/rule-properties';

/** The two features (rule.json), written out here rather than imported: the oracle's own reading. */
const BOTH = ['RootCredentialsManagement', 'RootSessions'];

const featuresArb = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  {
    weight: 6,
    arbitrary: junkyRecord({
      status: fc.constant('READ'),
      enabledFeatures: fc.oneof(
        { arbitrary: fc.constant(BOTH), weight: 3 },
        fc.subarray([...BOTH, 'SomethingNew']),
        fc.constant(['RootSessions', '']),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: junkyRecord({
      status: fc.constant('UNREADABLE'),
      reason: fc.constantFrom(
        'ACCESS_DENIED',
        'NOT_ALL_FEATURES',
        'TRUSTED_ACCESS_DISABLED',
        'THROTTLED',
        'FAILED',
      ),
      error: fc.oneof({ arbitrary: fc.string({ maxLength: 40 }), weight: 5 }, fc.constant('x'.repeat(300))),
    }),
  },
  // A status the schema does not know, with the features enabled: never read as enabled.
  { weight: 1, arbitrary: fc.constant({ status: 'ENABLED', enabledFeatures: BOTH }) },
);

const factsArb = fc.record({
  ...organizationFactsArbs,
  snapshotBuiltAt: isoTimeArb(Date.UTC(2025, 0, 1), Date.UTC(2030, 0, 1)),
  rootAccessFeatures: sometimesJunk(featuresArb),
  rootCredentials: sometimesJunk(fc.oneof(fc.constant(null), credentialSummaryArb)),
});

// Oracle (rule.json, README "How each rule decides"): not applicable to the management account; passes for a
// member of the organization only when the snapshot read both features as enabled; anything else fails.
describe('root-access-centralized properties', () => {
  describeRuleProperties({
    ruleId: 'root-access-centralized',
    factsSchema,
    facts: factsArb,
    bind: bindPlaceholders,
    oracle: (facts: RootAccessCentralizedFacts, _params, ctx): ComplianceType[] => {
      const org = facts.organization;
      if (org && org.managementAccountId === ctx.accountId) return ['NOT_APPLICABLE'];
      const features = facts.rootAccessFeatures;
      const enabled = features?.status === 'READ' ? features.enabledFeatures : [];
      const both = BOTH.every((feature) => enabled.includes(feature));
      return org && facts.accountInOrganization && both ? ['COMPLIANT'] : ['NON_COMPLIANT'];
    },
  });
});
