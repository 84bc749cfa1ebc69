/**
 * Pure: the EventBridge `Config Rules Compliance Change` event (source aws.config) and the rootguard rule it
 * is about.
 *
 * Config emits one such event in the evaluated account and region whenever an evaluation result changes
 * compliance (and for the first result of a resource). `oldEvaluationResult` is absent on the first result;
 * `annotation` is absent (or null) when the rule gave none. Only the fields the finding uses are checked;
 * everything else passes through, so a new field never breaks the mapping.
 *
 * Rule names. rootguard's Config rules are named `rootguard-<rule-id>`. Rules that a conformance pack creates
 * (an organization conformance pack included) get a suffix from Config in every account:
 * `<name in the template>-conformance-pack-<9 random lowercase letters and digits>`, e.g.
 * `rootguard-root-hardware-mfa-conformance-pack-k2m8x0q4z`. A name maps back to a rule id by taking off the
 * `rootguard-` prefix and that one optional suffix, then looking the rest up among the known rule ids;
 * nothing is guessed from a partial match.
 */
import * as z from 'zod';
import { envelopeSummary, eventParser } from '../lib/event-validation';
import { ACCOUNT_ID_PATTERN } from '../lib/partition';
import { InvalidComplianceEventError } from './errors';

export const COMPLIANCE_CHANGE_DETAIL_TYPE = 'Config Rules Compliance Change';
export const COMPLIANCE_CHANGE_SOURCE = 'aws.config';
export const RULE_NAME_PREFIX = 'rootguard-';
export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';

/** Config's suffix on rules created by a conformance pack (organization-wide or not). */
export const CONFORMANCE_PACK_SUFFIX = /-conformance-pack-[a-z0-9]{1,32}$/;

export const COMPLIANCE_TYPES = [
  'COMPLIANT',
  'NON_COMPLIANT',
  'NOT_APPLICABLE',
  'INSUFFICIENT_DATA',
] as const;
export type ComplianceType = (typeof COMPLIANCE_TYPES)[number];

const accountId = z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id');
const isoTime = z.iso.datetime({ offset: true });
const text = z.string().min(1);

const evaluationResultSchema = z.looseObject({
  evaluationResultIdentifier: z.looseObject({
    evaluationResultQualifier: z.looseObject({
      configRuleName: text,
      resourceType: text,
      resourceId: text,
      evaluationMode: z.string().optional(),
    }),
    orderingTimestamp: isoTime,
  }),
  complianceType: z.enum(COMPLIANCE_TYPES),
  resultRecordedTime: isoTime,
  configRuleInvokedTime: isoTime.optional(),
  annotation: z.string().nullish(),
});

export const complianceChangeDetailSchema = z.looseObject({
  resourceId: text,
  resourceType: text,
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region'),
  awsAccountId: accountId,
  // Config allows 128 characters; bounded so the finding id and title stay within ASFF limits.
  configRuleName: text.max(128),
  configRuleARN: z.string().optional(),
  recordVersion: z.string().optional(),
  messageType: z.literal('ComplianceChangeNotification'),
  newEvaluationResult: evaluationResultSchema,
  oldEvaluationResult: evaluationResultSchema.nullish(),
  notificationCreationTime: isoTime,
});

export const complianceChangeEventSchema = z.looseObject({
  version: z.string().optional(),
  id: z.string().optional(),
  'detail-type': z.literal(COMPLIANCE_CHANGE_DETAIL_TYPE),
  source: z.literal(COMPLIANCE_CHANGE_SOURCE),
  // Required: the one account field a member cannot set (EventBridge writes it), so the finding's account.
  account: accountId,
  time: isoTime.optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: complianceChangeDetailSchema,
});

export type ComplianceChangeEvent = z.infer<typeof complianceChangeEventSchema>;
export type ComplianceChangeDetail = z.infer<typeof complianceChangeDetailSchema>;
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;

/**
 * Validates a Config compliance change event. Never throws: an invalid event comes back as an
 * InvalidComplianceEventError whose message and issues name fields and rules, never the event's values.
 */
export const parseComplianceChangeEvent = eventParser(
  complianceChangeEventSchema,
  'a Config compliance change event',
  InvalidComplianceEventError,
);

/** `rootguard-<id>` exactly: the name the central stack gives its own rules (single-account mode). */
export function ruleIdFromOwnRuleName(
  configRuleName: string,
  knownRuleIds: ReadonlySet<string>,
): string | undefined {
  if (!configRuleName.startsWith(RULE_NAME_PREFIX)) return undefined;
  const rest = configRuleName.slice(RULE_NAME_PREFIX.length);
  return knownRuleIds.has(rest) ? rest : undefined;
}

/**
 * `rootguard-<id>-conformance-pack-<suffix>` only: the name Config gives the rule `rootguard-<id>` of a
 * conformance pack in every account.
 */
export function ruleIdFromConformancePackRuleName(
  configRuleName: string,
  knownRuleIds: ReadonlySet<string>,
): string | undefined {
  const withoutSuffix = configRuleName.replace(CONFORMANCE_PACK_SUFFIX, '');
  return withoutSuffix === configRuleName ? undefined : ruleIdFromOwnRuleName(withoutSuffix, knownRuleIds);
}

/**
 * The rule id a Config rule name stands for, or undefined when the name is not a rootguard rule:
 * `rootguard-<id>` or `rootguard-<id>-conformance-pack-<suffix>`, with `<id>` one of `knownRuleIds`.
 */
export function ruleIdFromConfigRuleName(
  configRuleName: string,
  knownRuleIds: ReadonlySet<string>,
): string | undefined {
  // The exact name first: a future rule id could itself end in something suffix-like.
  return (
    ruleIdFromOwnRuleName(configRuleName, knownRuleIds) ??
    ruleIdFromConformancePackRuleName(configRuleName, knownRuleIds)
  );
}

/**
 * The envelope fields that are safe to log about an event we could not parse or chose to ignore: they
 * identify it without repeating its content.
 */
export const eventSummary = (raw: unknown): { id?: string; detailType?: string; configRuleName?: string } =>
  envelopeSummary(raw, ['configRuleName']);
