/**
 * Pure: whether a compliance change comes from a Config rule rootguard deployed, judged from what a member
 * account cannot choose. An administrator of a member account can create a Config rule of any name in his
 * own account (`rootguard-root-user-idle` with `MaxDaysSinceLastUse=9999`, pointing at his own Lambda or at
 * ours) and his forwarding rule delivers its changes like the real ones. What he cannot create is a rule that
 * Config itself made for a conformance pack:
 *
 * - rules a conformance pack creates (organization packs included) are service-linked: Config creates them
 *   through the AWSServiceRoleForConfigConforms role, their ARN is
 *   `arn:<partition>:config:<region>:<account>:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-<id>`
 *   (the role's policy, ConfigConformsServiceRolePolicy, may write only that path), and their name is the
 *   template's name plus `-conformance-pack-<suffix>`; PutConfigRule cannot write that path;
 * - the envelope `account` is written by EventBridge.
 *
 * Accepted: a conformance pack rule `rootguard-<id>-conformance-pack-<suffix>` whose ARN is on that path, in
 * the envelope account; and, in the tooling account only (single-account mode, deployConfigRules), the
 * central stack's own rule `rootguard-<id>` with an ordinary ARN. Everything else named `rootguard-...` is
 * refused. The detail's `awsAccountId` and the rule ARN's account must both equal the envelope account.
 *
 * What remains: a member administrator may deploy a conformance pack of his own (PutConformancePack) whose
 * template names a rule `rootguard-<id>`; its rules are service-linked too and look the same in the event.
 * README, "Security", says so and how to close it (an SCP denying config:PutConformancePack to members).
 */
import { oneLine } from '../lib/escape';
import {
  CONFORMANCE_PACK_SUFFIX,
  type ComplianceChangeEvent,
  ruleIdFromConformancePackRuleName,
  ruleIdFromOwnRuleName,
} from './compliance-event';

/** The path of every Config rule a conformance pack creates (ConfigConformsServiceRolePolicy's resource). */
export const CONFORMANCE_PACK_RULE_PATH = 'aws-service-rule/config-conforms.amazonaws.com/';
const CONFIG_RULE_ARN = /^arn:aws(?:-cn|-us-gov)?:config:[a-z0-9-]+:(\d{12}):config-rule\/(.+)$/;

export type RuleOrigin = 'conformance-pack' | 'tooling-account';

export type ForeignRuleReason =
  | 'account-mismatch'
  | 'no-rule-arn'
  | 'rule-arn-account-mismatch'
  | 'not-a-conformance-pack-rule';

/** What a refused change's log line may say: ids, accounts and names, never the annotation or the result. */
export interface ForeignRuleEvidence {
  reason: ForeignRuleReason;
  configRuleName: string;
  envelopeAccount: string;
  detailAccount: string;
  ruleArnAccount: string | undefined;
}

export type RuleAcceptance =
  | { ok: true; ruleId: string | undefined; origin: RuleOrigin }
  | { ok: false; evidence: ForeignRuleEvidence };

/**
 * Judges a parsed compliance change whose rule name starts with `rootguard-`. `ruleId` is undefined for an
 * accepted rule this build does not know (a newer rule than this Lambda).
 */
export function acceptRule(
  event: ComplianceChangeEvent,
  toolingAccountId: string,
  knownRuleIds: ReadonlySet<string>,
): RuleAcceptance {
  const d = event.detail;
  const arn = CONFIG_RULE_ARN.exec(d.configRuleARN ?? '');
  const refuse = (reason: ForeignRuleReason): RuleAcceptance => ({
    ok: false,
    evidence: {
      reason,
      configRuleName: oneLine(d.configRuleName, 128),
      envelopeAccount: event.account,
      detailAccount: d.awsAccountId,
      ruleArnAccount: arn?.[1],
    },
  });
  if (d.awsAccountId !== event.account) return refuse('account-mismatch');
  if (!arn) return refuse('no-rule-arn');
  if (arn[1] !== event.account) return refuse('rule-arn-account-mismatch');

  if (arn[2]?.startsWith(CONFORMANCE_PACK_RULE_PATH)) {
    // Config always suffixes a pack's rule names: a bare `rootguard-<id>` on this path is not one of ours.
    if (!CONFORMANCE_PACK_SUFFIX.test(d.configRuleName)) return refuse('not-a-conformance-pack-rule');
    return {
      ok: true,
      ruleId: ruleIdFromConformancePackRuleName(d.configRuleName, knownRuleIds),
      origin: 'conformance-pack',
    };
  }
  // An ordinary rule: only the central stack's own, in the tooling account, by its exact name.
  if (event.account !== toolingAccountId || d.configRuleName.includes('-conformance-pack-'))
    return refuse('not-a-conformance-pack-rule');
  return {
    ok: true,
    ruleId: ruleIdFromOwnRuleName(d.configRuleName, knownRuleIds),
    origin: 'tooling-account',
  };
}
