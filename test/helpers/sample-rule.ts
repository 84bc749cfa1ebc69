/**
 * The rule metadata (a rule.json) of a made-up account-level rule, for the tests of the shared machinery (rule
 * handler, parameters, generators): a plain daily HIGH rule without parameters, but for what a test names (its
 * id and remediation at least).
 */
import type { RuleMetadata } from '../../lib/rule-metadata';

export const sampleRule = (
  rule: Pick<RuleMetadata, 'id' | 'remediation'> & Partial<RuleMetadata>,
): RuleMetadata => ({
  title: `The root user of the account passes ${rule.id}`,
  description: 'A made-up rule for the unit tests of the shared rule machinery.',
  severity: 'HIGH',
  trigger: { type: 'Periodic', maximumExecutionFrequency: 'TwentyFour_Hours' },
  resourceType: 'AWS::::Account',
  parameters: [],
  ...rule,
});
