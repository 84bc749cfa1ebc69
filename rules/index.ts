/**
 * The single list of rootguard rules: each rule's validated metadata and its pure `evaluate`.
 *
 * Only `rule.json` and `evaluate.ts` are imported, never `collect.ts` or `handler.ts`, so whatever uses the
 * registry (the CLI, offline evaluation of saved facts, reports) stays free of the AWS SDK and never needs
 * credentials. Adding a rule: one import pair and one `defineRule` line in RULES.
 *
 * It lives beside the rules, not in lib/: lib/ is the plumbing the rules stand on and never imports them
 * (test/contract/layers.test.ts), so a Lambda that needs lib/ does not bundle every rule with it.
 */

import type { RuleEvaluation } from '../lib/evaluation';
import { parseRuleParameters } from '../lib/parameters';
import type { Evaluate, EvaluateContext } from '../lib/rule-handler';
import { loadRuleMetadata, type RuleMetadata } from '../lib/rule-metadata';
import { evaluate as evaluateRootAccessCentralized } from './root-access-centralized/evaluate';
import rootAccessCentralizedMetadata from './root-access-centralized/rule.json';
import { evaluate as evaluateRootAccessKeys } from './root-access-keys/evaluate';
import rootAccessKeysMetadata from './root-access-keys/rule.json';
import { evaluate as evaluateRootActivityAlerting } from './root-activity-alerting/evaluate';
import rootActivityAlertingMetadata from './root-activity-alerting/rule.json';
import { evaluate as evaluateRootBackupMfa } from './root-backup-mfa/evaluate';
import rootBackupMfaMetadata from './root-backup-mfa/rule.json';
import { evaluate as evaluateRootDenyScp } from './root-deny-scp/evaluate';
import rootDenyScpMetadata from './root-deny-scp/rule.json';
import { evaluate as evaluateRootHardwareMfa } from './root-hardware-mfa/evaluate';
import rootHardwareMfaMetadata from './root-hardware-mfa/rule.json';
import { evaluate as evaluateRootUserIdle } from './root-user-idle/evaluate';
import rootUserIdleMetadata from './root-user-idle/rule.json';

export interface RegisteredRule {
  metadata: RuleMetadata;
  /** The rule's pure evaluate; facts and parameters are checked by the caller (see evaluateFacts). */
  evaluate: Evaluate<unknown, unknown>;
}

function defineRule<F, P>(metadata: unknown, evaluate: Evaluate<F, P>): RegisteredRule {
  return { metadata: loadRuleMetadata(metadata), evaluate: evaluate as Evaluate<unknown, unknown> };
}

/** Every rule, in the order reports list them. */
export const RULES: readonly RegisteredRule[] = [
  defineRule(rootHardwareMfaMetadata, evaluateRootHardwareMfa),
  defineRule(rootBackupMfaMetadata, evaluateRootBackupMfa),
  defineRule(rootAccessKeysMetadata, evaluateRootAccessKeys),
  defineRule(rootDenyScpMetadata, evaluateRootDenyScp),
  defineRule(rootUserIdleMetadata, evaluateRootUserIdle),
  defineRule(rootActivityAlertingMetadata, evaluateRootActivityAlerting),
  defineRule(rootAccessCentralizedMetadata, evaluateRootAccessCentralized),
];

export const RULES_BY_ID: ReadonlyMap<string, RegisteredRule> = (() => {
  const byId = new Map<string, RegisteredRule>();
  for (const rule of RULES) {
    if (byId.has(rule.metadata.id)) throw new Error(`Rule ${rule.metadata.id} is registered twice`);
    byId.set(rule.metadata.id, rule);
  }
  return byId;
})();

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.metadata.id);

export function getRule(ruleId: string): RegisteredRule {
  const rule = RULES_BY_ID.get(ruleId);
  if (!rule) throw new Error(`Unknown rule ${ruleId}; known rules: ${RULE_IDS.join(', ')}`);
  return rule;
}

/**
 * Evaluates saved facts with a rule's pure evaluate, exactly as the Lambda would after collecting them:
 * `rawParams` (Config-style, e.g. `{ IgnoreSigningCertificates: "true" }`) are validated against rule.json
 * first, so a bad parameter is an InvalidRuleParametersError, never a silent default.
 */
export function evaluateFacts(
  ruleId: string,
  facts: unknown,
  rawParams: unknown,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const rule = getRule(ruleId);
  const params = parseRuleParameters(rule.metadata, rawParams, ctx.accountId);
  return rule.evaluate(facts, params, ctx);
}
