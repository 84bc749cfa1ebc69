import * as fc from 'fast-check';
import type { ComplianceType } from '../../../../lib/evaluation';
import type { EvaluateContext } from '../../../../lib/rule-handler';
import { factsSchema } from '../../../../rules/root-deny-scp/facts';
import { organizationFactsArbs } from '../../../helpers/rule-arbitraries';
import {
  bindPlaceholders,
  describeRuleProperties,
  junkyRecord,
  SELF,
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
/** `aws:PrincipalArn` of the root user of `account` (any, by default) in the context's partition. */
const rootArn = ({ partition }: EvaluateContext, account = '*') => ({
  'aws:PrincipalArn': `arn:${partition}:iam::${account}:root`,
});
/** A Deny of everything to any root, with the condition `extra` beside the ArnLike. */
const denyAnyRoot = (ctx: EvaluateContext, extra: object = {}) => deny({ ArnLike: rootArn(ctx), ...extra });
const CATALOGUE: readonly CataloguePolicy[] = [
  { label: 'denies', content: (ctx) => denyAnyRoot(ctx, { Null: { 'aws:AssumedRoot': 'true' } }) },
  { label: 'denies', content: (ctx) => deny({ StringLike: rootArn(ctx) }) },
  { label: 'denies', content: (ctx) => deny({ ArnEquals: rootArn(ctx, ctx.accountId) }) },
  // Narrowed: some actions only, a resource, another condition, an Allow, or someone else's root.
  { label: 'not', content: (ctx) => deny({ ArnLike: rootArn(ctx) }, 'iam:*') },
  { label: 'not', content: (ctx) => deny({ ArnLike: rootArn(ctx) }, '*', 'arn:aws:s3:::b') },
  {
    label: 'not',
    content: (ctx) => denyAnyRoot(ctx, { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }),
  },
  { label: 'not', content: (ctx) => deny({ ArnLike: rootArn(ctx) }, '*', '*', 'Allow') },
  { label: 'not', content: (ctx) => deny({ ArnLike: rootArn(ctx, '000000000000') }) },
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
  ...organizationFactsArbs,
  chain: sometimesJunk(fc.array(targetArb, { maxLength: 4 })),
});

/** Replaces the placeholders: the account's own id, and each catalogue policy in the context's partition. */
function bind(drawn: unknown, ctx: EvaluateContext): unknown {
  return bindPlaceholders(drawn, ctx, (value) =>
    value.startsWith(CONTENT)
      ? (CATALOGUE[Number(value.slice(CONTENT.length))] as CataloguePolicy).content(ctx)
      : value,
  );
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
