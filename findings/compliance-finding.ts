/**
 * Pure: the Security Hub (ASFF) finding for one rootguard Config rule result in one account and region.
 *
 * - Id `rootguard/<rule-id>/<account>/<region>`: one finding per (rule, account, region), updated in place by
 *   every later result. The region is part of it because an account-level rule runs in every region where
 *   the conformance pack is deployed: without it, two regions would overwrite each other's finding, and a
 *   region that passes would resolve a failure another region still reports. Deployed in one region (the
 *   recommended set-up: root posture is global), this is one finding per (rule, account).
 * - AwsAccountId is the importing (security tooling) account: with the default product ARN, Security Hub
 *   accepts only findings whose AwsAccountId is the caller's. The evaluated account is the AwsAccount
 *   resource, the title and a user-defined field.
 * - Severity: the rule's severity (rule.json) while it fails, INFORMATIONAL otherwise. Severity and Types are
 *   also sent under FindingProviderFields, where Security Hub reads a provider's updates from.
 * - Compliance.Status: COMPLIANT → PASSED, NON_COMPLIANT → FAILED, NOT_APPLICABLE and INSUFFICIENT_DATA →
 *   NOT_AVAILABLE. Compliance.RelatedRequirements come from the framework files (via the injected
 *   `relatedRequirements`), cut to ASFF's limits: 32 entries of at most 64 characters.
 * - Workflow: NEW for FAILED, RESOLVED for PASSED and NOT_APPLICABLE. BatchImportFindings sets it only when
 *   it creates the finding; `workflowUpdate` says which status to set afterwards with BatchUpdateFindings
 *   (see workflowUpdateFor).
 * - Times come from the event, never the clock: the result's `resultRecordedTime` is FirstObservedAt (this
 *   compliance state was first seen then: Config only sends changes), LastObservedAt, CreatedAt and
 *   UpdatedAt. Security Hub ignores an update older than the stored one, so a late, out-of-order delivery
 *   cannot overwrite a newer result.
 */
import type { AwsSecurityFinding, ComplianceStatus, WorkflowStatus } from '@aws-sdk/client-securityhub';
import { describeIssues, type EventIssue } from '../lib/event-validation';
import type { RuleMetadata, Severity } from '../lib/rule-metadata';
import { RULES_BY_ID } from '../rules';
import {
  accountResource,
  clip,
  DESCRIPTION_MAX,
  findingBase,
  type ImportTarget,
  TITLE_MAX,
  USER_DEFINED_VALUE_MAX,
} from './asff';
import {
  ACCOUNT_RESOURCE_TYPE,
  type ComplianceChangeEvent,
  type ComplianceType,
  parseComplianceChangeEvent,
  RULE_NAME_PREFIX,
} from './compliance-event';
import { InvalidComplianceEventError } from './errors';
import { acceptRule, type ForeignRuleEvidence } from './rule-origin';

export const GENERATOR_PREFIX = 'rootguard';

/** ASFF limits this module must respect (Compliance, Recommendation, StatusReason, UserDefinedFields). */
export const RELATED_REQUIREMENT_MAX = 64;
export const RELATED_REQUIREMENTS_MAX_ITEMS = 32;
export const RECOMMENDATION_TEXT_MAX = 512;
export const STATUS_REASON_MAX = 2048;
export const PRODUCT_FIELD_VALUE_MAX = 2048;

export const CIS_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';
export const PCI_TYPE =
  'Software and Configuration Checks/Industry and Regulatory Standards/PCI-DSS Controls';
export const BEST_PRACTICES_TYPE = 'Software and Configuration Checks/AWS Security Best Practices';

/** Where the runbook lives when RUNBOOK_BASE_URL is not set: a README anchor per rule. */
export const DEFAULT_RUNBOOK_DOCUMENT = 'README.md';

/** The framework requirements of a rule (lib/frameworks.ts: `relatedRequirements(ruleId)`). */
export type RelatedRequirementsLookup = (ruleId: string) => readonly string[];
/** A rule's metadata by id; undefined for an id this build does not know. */
export type RuleLookup = (ruleId: string) => RuleMetadata | undefined;

export const registeredRule: RuleLookup = (ruleId) => RULES_BY_ID.get(ruleId)?.metadata;

export interface ComplianceFindingOptions {
  relatedRequirements: RelatedRequirementsLookup;
  target: ImportTarget;
  /** Base URL of the runbook (RUNBOOK_BASE_URL); the rule id becomes its anchor. Unset: no Url. */
  runbookBaseUrl?: string;
}

export interface ComplianceFinding {
  finding: AwsSecurityFinding & { Id: string; ProductArn: string };
  ruleId: string;
  /** The evaluated account. */
  accountId: string;
  /** The region the rule ran in. */
  region: string;
  complianceType: ComplianceType;
  complianceStatus: ComplianceStatus;
  /** The status to set with BatchUpdateFindings after the import; undefined: leave the workflow alone. */
  workflowUpdate: WorkflowStatus | undefined;
  /** How much the framework mapping had to be cut to fit ASFF. */
  requirements: RequirementsFit;
}

export type ComplianceMapping =
  | { kind: 'finding'; result: ComplianceFinding }
  | { kind: 'ignored'; configRuleName: string; reason: IgnoreReason }
  | { kind: 'refused'; evidence: ForeignRuleEvidence }
  | { kind: 'invalid'; error: InvalidComplianceEventError };

/**
 * - `not-rootguard`: the rule name does not start with `rootguard-` (the EventBridge rule should not have
 *   delivered it).
 * - `unknown-rule`: `rootguard-` but no rule of this build has that id (a newer rule than this Lambda?).
 */
export type IgnoreReason = 'not-rootguard' | 'unknown-rule';

export function complianceFindingId(ruleId: string, accountId: string, region: string): string {
  return `${GENERATOR_PREFIX}/${ruleId}/${accountId}/${region}`;
}

export function generatorId(ruleId: string): string {
  return `${GENERATOR_PREFIX}/${ruleId}`;
}

export function complianceStatusOf(type: ComplianceType): ComplianceStatus {
  switch (type) {
    case 'COMPLIANT':
      return 'PASSED';
    case 'NON_COMPLIANT':
      return 'FAILED';
    case 'NOT_APPLICABLE':
    case 'INSUFFICIENT_DATA':
      return 'NOT_AVAILABLE';
  }
}

/** The Workflow a new finding is created with. */
export function initialWorkflowOf(type: ComplianceType): WorkflowStatus {
  return type === 'COMPLIANT' || type === 'NOT_APPLICABLE' ? 'RESOLVED' : 'NEW';
}

/**
 * Which Workflow status to set with BatchUpdateFindings once the finding is imported, given the previous
 * result (undefined on the rule's first result, when the import itself creates the finding with the right
 * status):
 * - passes or becomes not applicable → RESOLVED;
 * - fails after passing → nothing: Security Hub itself moves a RESOLVED or NOTIFIED finding back to NEW when
 *   Compliance.Status leaves PASSED (and leaves a SUPPRESSED one as the analyst decided);
 * - fails after NOT_APPLICABLE or INSUFFICIENT_DATA → NEW: Security Hub does not reopen those by itself;
 * - INSUFFICIENT_DATA → nothing: an unknown state neither resolves nor reopens a finding.
 */
export function workflowUpdateFor(
  next: ComplianceType,
  previous: ComplianceType | undefined,
): WorkflowStatus | undefined {
  if (previous === undefined) return undefined;
  if (next === 'COMPLIANT' || next === 'NOT_APPLICABLE') return 'RESOLVED';
  if (next === 'NON_COMPLIANT' && (previous === 'NOT_APPLICABLE' || previous === 'INSUFFICIENT_DATA')) {
    return 'NEW';
  }
  return undefined;
}

export interface RequirementsFit {
  values: string[];
  /** Entries cut to 64 characters. */
  clipped: number;
  /** Entries left out: blank, duplicate or beyond the 32nd. */
  dropped: number;
}

/** The framework requirements as ASFF takes them: trimmed, de-duplicated, ≤ 64 characters, ≤ 32 entries. */
export function fitRelatedRequirements(raw: readonly string[]): RequirementsFit {
  const values: string[] = [];
  let clipped = 0;
  for (const entry of raw) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const fitted = clip(trimmed, RELATED_REQUIREMENT_MAX);
    if (fitted !== trimmed) clipped++;
    if (!values.includes(fitted)) values.push(fitted);
  }
  const kept = values.slice(0, RELATED_REQUIREMENTS_MAX_ITEMS);
  return { values: kept, clipped, dropped: raw.length - kept.length };
}

/** ASFF types (namespace/category/classifier): the CIS benchmark always (every rule is a CIS root check), PCI DSS when mapped. */
export function findingTypes(requirements: readonly string[]): string[] {
  const types = [CIS_TYPE];
  if (requirements.some((r) => /pci/i.test(r))) types.push(PCI_TYPE);
  types.push(BEST_PRACTICES_TYPE);
  return types;
}

/** `<base>#<rule-id>`, or `<base>` with `{ruleId}` replaced when the base is a template. */
export function runbookUrl(baseUrl: string, ruleId: string): string {
  if (baseUrl.includes('{ruleId}')) return baseUrl.replaceAll('{ruleId}', ruleId);
  const withoutFragment = baseUrl.split('#')[0] ?? baseUrl;
  return `${withoutFragment}#${ruleId}`;
}

function severityLabel(rule: RuleMetadata, type: ComplianceType): Severity {
  return type === 'NON_COMPLIANT' ? rule.severity : 'INFORMATIONAL';
}

const STATE_TEXT: Record<ComplianceType, string> = {
  COMPLIANT: 'passes',
  NON_COMPLIANT: 'fails',
  NOT_APPLICABLE: 'does not apply',
  INSUFFICIENT_DATA: 'could not be evaluated (insufficient data)',
};

/** The title: the rule's (compliant-condition) title, cut so the account always fits. */
function titleFor(rule: RuleMetadata, accountId: string): string {
  const suffix = ` (account ${accountId})`;
  return `${clip(rule.title, TITLE_MAX - suffix.length)}${suffix}`;
}

function descriptionFor(event: ComplianceChangeEvent, ruleId: string): string {
  const d = event.detail;
  const annotation = d.newEvaluationResult.annotation?.trim();
  if (annotation) return clip(annotation, DESCRIPTION_MAX);
  return clip(
    `rootguard rule ${ruleId} ${STATE_TEXT[d.newEvaluationResult.complianceType]} for account ${d.awsAccountId} in ${d.awsRegion} (Config rule ${d.configRuleName} gave no annotation).`,
    DESCRIPTION_MAX,
  );
}

function recommendationFor(
  rule: RuleMetadata,
  accountId: string,
  runbookBaseUrl: string | undefined,
): NonNullable<AwsSecurityFinding['Remediation']>['Recommendation'] {
  const where = runbookBaseUrl
    ? 'the runbook linked here'
    : `the runbook (${DEFAULT_RUNBOOK_DOCUMENT}#${rule.id})`;
  const text = `Run the SSM Automation document ${rule.remediation.documentId} for account ${accountId}, or follow ${where}, until this holds: ${rule.title}`;
  return {
    Text: clip(text, RECOMMENDATION_TEXT_MAX),
    ...(runbookBaseUrl ? { Url: runbookUrl(runbookBaseUrl, rule.id) } : {}),
  };
}

export interface BuildComplianceFindingInput extends ComplianceFindingOptions {
  event: ComplianceChangeEvent;
  rule: RuleMetadata;
}

/** The finding for a parsed event of a known rule (see mapComplianceChange for the whole path). */
export function buildComplianceFinding(input: BuildComplianceFindingInput): ComplianceFinding {
  const { event, rule, target } = input;
  const d = event.detail;
  const result = d.newEvaluationResult;
  // The envelope account, which EventBridge writes: never a detail field the member's rule could fill.
  const accountId = event.account;
  const region = d.awsRegion;
  const complianceType = result.complianceType;
  const complianceStatus = complianceStatusOf(complianceType);
  const requirements = fitRelatedRequirements(input.relatedRequirements(rule.id));
  const observedAt = result.resultRecordedTime;

  const finding: ComplianceFinding['finding'] = {
    ...findingBase({
      id: complianceFindingId(rule.id, accountId, region),
      generatorId: generatorId(rule.id),
      target,
      types: findingTypes(requirements.values),
      severity: severityLabel(rule, complianceType),
      observedAt,
      importedAt: observedAt,
    }),
    Title: titleFor(rule, accountId),
    Description: descriptionFor(event, rule.id),
    Remediation: { Recommendation: recommendationFor(rule, accountId, input.runbookBaseUrl) },
    // The account is global; the region says where this evaluation ran.
    Resources: [{ ...accountResource(target, d.resourceId), Region: region }],
    Compliance: {
      Status: complianceStatus,
      ...(requirements.values.length > 0 ? { RelatedRequirements: requirements.values } : {}),
      StatusReasons: [
        {
          ReasonCode: complianceType,
          Description: clip(
            `Config rule ${d.configRuleName} reported ${complianceType} at ${observedAt}.`,
            STATUS_REASON_MAX,
          ),
        },
      ],
    },
    // Facts that can change between results: a provider may update ProductFields, not UserDefinedFields.
    ProductFields: {
      'rootguard/ConfigRuleName': clip(d.configRuleName, PRODUCT_FIELD_VALUE_MAX),
      ...(d.configRuleARN
        ? { 'rootguard/ConfigRuleArn': clip(d.configRuleARN, PRODUCT_FIELD_VALUE_MAX) }
        : {}),
      'rootguard/ComplianceType': complianceType,
      'rootguard/RemediationDocument': rule.remediation.documentId,
    },
    // Facts fixed by the finding id.
    UserDefinedFields: {
      ruleId: rule.id,
      accountId: clip(accountId, USER_DEFINED_VALUE_MAX),
      region,
    },
    Workflow: { Status: initialWorkflowOf(complianceType) },
    RecordState: 'ACTIVE',
  };

  return {
    finding,
    ruleId: rule.id,
    accountId,
    region,
    complianceType,
    complianceStatus,
    workflowUpdate: workflowUpdateFor(complianceType, d.oldEvaluationResult?.complianceType),
    requirements,
  };
}

export interface RecogniseOptions {
  /** The security tooling account (the importer): the only one whose own `rootguard-<id>` rules count. */
  toolingAccountId: string;
  /** Default: the rule registry (rules/index.ts). */
  rules?: RuleLookup;
  /** Default: every registered rule id. */
  knownRuleIds?: ReadonlySet<string>;
}

export type Recognised =
  | { kind: 'rule'; event: ComplianceChangeEvent; rule: RuleMetadata }
  | { kind: 'ignored'; configRuleName: string; reason: IgnoreReason }
  | { kind: 'refused'; evidence: ForeignRuleEvidence }
  | { kind: 'invalid'; error: InvalidComplianceEventError };

const REGISTERED_RULE_IDS: ReadonlySet<string> = new Set(RULES_BY_ID.keys());

/**
 * Validates the event and recognises the rootguard rule it is about: a rule of the conformance pack, or the
 * central stack's own in the tooling account (rule-origin.ts); any other rule named `rootguard-...` is
 * `refused`. Never throws for a bad event: it comes back as `invalid`.
 */
export function recogniseComplianceChange(raw: unknown, options: RecogniseOptions): Recognised {
  const parsed = parseComplianceChangeEvent(raw);
  if (!parsed.ok) return { kind: 'invalid', error: parsed.error };
  const configRuleName = parsed.event.detail.configRuleName;
  if (!configRuleName.startsWith(RULE_NAME_PREFIX))
    return { kind: 'ignored', configRuleName, reason: 'not-rootguard' };
  const accepted = acceptRule(
    parsed.event,
    options.toolingAccountId,
    options.knownRuleIds ?? REGISTERED_RULE_IDS,
  );
  if (!accepted.ok) return { kind: 'refused', evidence: accepted.evidence };
  const rule = accepted.ruleId === undefined ? undefined : (options.rules ?? registeredRule)(accepted.ruleId);
  if (!rule) return { kind: 'ignored', configRuleName, reason: 'unknown-rule' };
  const invalid = accountResourceProblem(parsed.event);
  if (invalid) return { kind: 'invalid', error: invalid };
  return { kind: 'rule', event: parsed.event, rule };
}

export type MapComplianceChangeOptions = Omit<RecogniseOptions, 'toolingAccountId'> &
  ComplianceFindingOptions;

/** The whole pure path: validate, recognise the rule (the importer is the tooling account), build the finding. */
export function mapComplianceChange(raw: unknown, options: MapComplianceChangeOptions): ComplianceMapping {
  const recognised = recogniseComplianceChange(raw, {
    ...options,
    toolingAccountId: options.target.importerAccountId,
  });
  if (recognised.kind !== 'rule') return recognised;
  return {
    kind: 'finding',
    result: buildComplianceFinding({ ...options, event: recognised.event, rule: recognised.rule }),
  };
}

/** rootguard rules judge the account they run in, as AWS::::Account: anything else is not one of ours. */
function accountResourceProblem(event: ComplianceChangeEvent): InvalidComplianceEventError | undefined {
  const d = event.detail;
  const issues: EventIssue[] = [];
  if (d.resourceType !== ACCOUNT_RESOURCE_TYPE) {
    issues.push({
      path: 'detail.resourceType',
      code: 'custom',
      message: `rootguard rules report ${ACCOUNT_RESOURCE_TYPE}`,
    });
  }
  if (d.resourceId !== d.awsAccountId) {
    issues.push({
      path: 'detail.resourceId',
      code: 'custom',
      message: 'rootguard rules report on the account they run in (resourceId = awsAccountId)',
    });
  }
  if (issues.length === 0) return undefined;
  return new InvalidComplianceEventError(`Not a rootguard account evaluation (${describeIssues(issues)})`, {
    accountId: d.awsAccountId,
    issues,
  });
}
