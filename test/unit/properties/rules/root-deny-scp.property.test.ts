import * as fc from 'fast-check';
import type { ComplianceType } from '../../../../lib/evaluation';
import type { EvaluateContext } from '../../../../lib/rule-handler';
import { factsSchema } from '../../../../rules/root-deny-scp/facts';
import {
  accountIdArb,
  describeRuleProperties,
  junkyRecord,
  sometimesJunk,
} from '../../../helpers/rule-properties';

/**
 * Policies whose verdict is known without running the analyser: the oracle reads the label, never
 * lib/deny-root-policy.ts. `denies` is the README condition (Deny, Action "*", Resource "*", a condition
 * matching the root principal of this partition, a Null aws:AssumedRoot exemption allowed); `unsure` ones may
 * go either way but must never make a non-member or an SCP-less organization pass.
 */
type Label = 'denies' | 'not' | 'unsure';
interface CataloguePolicy {
  label: Label;
  content: (ctx: EvaluateContext) => string;
}
const deny = (condition: unknown, action: unknown = '*', resource: unknown = '*', effect = 'Deny') =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Action: action, Resource: resource, Condition: condition }],
  });
const CATALOGUE: readonly CataloguePolicy[] = [
  {
    label: 'denies',
    content: ({ partition }) =>
      deny({
        ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` },
        Null: { 'aws:AssumedRoot': 'true' },
      }),
  },
  {
    label: 'denies',
    content: ({ partition }) => deny({ StringLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` } }),
  },
  {
    label: 'denies',
    content: ({ partition, accountId }) =>
      deny({ ArnEquals: { 'aws:PrincipalArn': `arn:${partition}:iam::${accountId}:root` } }),
  },
  // Narrowed: some actions only, a resource, another condition, an Allow, or someone else's root.
  {
    label: 'not',
    content: ({ partition }) =>
      deny({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` } }, 'iam:*'),
  },
  {
    label: 'not',
    content: ({ partition }) =>
      deny({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` } }, '*', 'arn:aws:s3:::b'),
  },
  {
    label: 'not',
    content: ({ partition }) =>
      deny({
        ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` },
        StringEquals: { 'aws:RequestedRegion': 'eu-west-1' },
      }),
  },
  {
    label: 'not',
    content: ({ partition }) =>
      deny({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` } }, '*', '*', 'Allow'),
  },
  {
    label: 'not',
    content: ({ partition }) =>
      deny({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::000000000000:root` } }),
  },
  {
    label: 'not',
    content: ({ partition }) => deny({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:user/*` } }),
  },
  { label: 'not', content: () => '{"Version": "2012-10-17", "Statement": [' },
  { label: 'not', content: () => '' },
  { label: 'not', content: () => 'null' },
  {
    label: 'not',
    content: () => JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }),
  },
  // A deny of everything to everyone also denies root; the analyser may or may not credit it.
  { label: 'unsure', content: () => deny(undefined) },
  { label: 'unsure', content: () => deny({ ArnLike: { 'aws:PrincipalArn': 'arn:*:iam::*:root' } }) },
];

const policyIdArb = fc.stringMatching(/^p-[0-9a-z]{8,10}$/);
/** Stands for the evaluated account's id until `bind` knows it. */
const SELF = '<self>';
/** A policy's content is drawn as its catalogue index, materialised by `bind` for the context's partition. */
const CONTENT = 'catalogue:';

const policyArb = fc.record({
  id: policyIdArb,
  name: fc.string({ maxLength: 6 }),
  // A policy that denies root now and then (the first three), so that the passing path is well exercised.
  content: fc
    .oneof(fc.nat({ max: 2 }), fc.nat({ max: CATALOGUE.length - 1 }), fc.nat({ max: CATALOGUE.length - 1 }))
    .map((i) => `${CONTENT}${i}`),
});
const targetArb = junkyRecord({
  targetId: fc.oneof(
    { arbitrary: fc.stringMatching(/^ou-[a-z0-9]{4}-[a-z0-9]{8}$/), weight: 40 },
    { arbitrary: fc.constant(SELF), weight: 10 },
    { arbitrary: fc.constant(''), weight: 1 },
  ),
  targetType: fc.oneof(
    { arbitrary: fc.constantFrom('ACCOUNT', 'ORGANIZATIONAL_UNIT', 'ROOT'), weight: 60 },
    { arbitrary: fc.constant('POLICY'), weight: 1 },
  ),
  policies: fc.array(sometimesJunk(policyArb), { maxLength: 3 }),
});
const factsArb = fc.record({
  organization: sometimesJunk(
    fc.oneof(
      { arbitrary: fc.constant(null), weight: 1 },
      {
        weight: 6,
        arbitrary: junkyRecord({
          id: fc.oneof({ arbitrary: fc.constant('o-abcdefghij'), weight: 30 }, fc.constant('')),
          managementAccountId: fc.oneof({ arbitrary: accountIdArb, weight: 4 }, fc.constant(SELF)),
          featureSet: fc.constantFrom('ALL', 'ALL', 'ALL', 'ALL', 'CONSOLIDATED_BILLING', 'SOMETHING_NEW'),
          scpEnabled: fc.constantFrom(true, true, true, false),
        }),
      },
    ),
  ),
  accountInOrganization: sometimesJunk(fc.constantFrom(true, true, true, false)),
  chain: sometimesJunk(fc.array(targetArb, { maxLength: 4 })),
});

/** Replaces the placeholders: the account's own id, and each catalogue policy in the context's partition. */
function bind(drawn: unknown, ctx: EvaluateContext): unknown {
  return JSON.parse(JSON.stringify(drawn ?? null), (_key, value) => {
    if (value === SELF) return ctx.accountId;
    if (typeof value === 'string' && value.startsWith(CONTENT)) {
      return (CATALOGUE[Number(value.slice(CONTENT.length))] as CataloguePolicy).content(ctx);
    }
    return value;
  });
}

interface Drawn {
  policies: { id: string; content: string }[];
}

/** The label of a policy as drawn: looked up by content, independent of the analyser. */
function labelOf(content: string, ctx: EvaluateContext): Label {
  return CATALOGUE.find((p) => p.content(ctx) === content)?.label ?? 'not';
}

// Oracle (README "How each rule decides", rule.json): not applicable to the management account; otherwise
// passes only in an organization with all features and SCPs enabled, for a member account, when a policy on
// the account, an OU above it or the root denies everything to root and, with RequiredPolicyIds, is one of them.
describe('root-deny-scp properties', () => {
  describeRuleProperties({
    ruleId: 'root-deny-scp',
    factsSchema,
    facts: factsArb,
    bind,
    params: fc.record(
      {
        RequiredPolicyIds: fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 4 },
          fc.constantFrom('', ' ', 'p-notvalid', 'p-12345678,  p-abcdefgh'),
          fc.array(policyIdArb, { maxLength: 2 }).map((ids) => ids.join(',')),
        ),
      },
      { requiredKeys: [] },
    ),
    oracle: (facts, params, ctx): ComplianceType[] => {
      const org = facts.organization;
      if (org && org.managementAccountId === ctx.accountId) return ['NOT_APPLICABLE'];
      if (org?.featureSet !== 'ALL' || !org.scpEnabled || !facts.accountInOrganization) {
        return ['NON_COMPLIANT'];
      }
      const required = (params.RequiredPolicyIds as string[] | undefined) ?? [];
      const counted = (facts.chain as Drawn[])
        .flatMap((t) => t.policies)
        .filter((p) => required.length === 0 || required.includes(p.id));
      const labels = counted.map((p) => labelOf(p.content, ctx));
      if (labels.includes('denies')) return ['COMPLIANT'];
      return labels.includes('unsure') ? ['COMPLIANT', 'NON_COMPLIANT'] : ['NON_COMPLIANT'];
    },
  });
});
