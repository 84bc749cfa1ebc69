/**
 * Real-shaped `Config Rules Compliance Change` events (test/events/config-compliance-change-*.json) and the
 * fixtures around the compliance-finding Lambda: its configuration, a Lambda context in the security
 * tooling account, and a framework mapping standing in for lib/frameworks.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportTarget } from '../../findings/asff';
import type { RelatedRequirementsLookup } from '../../findings/compliance-finding';
import type { FindingsConfig } from '../../findings/config';
import {
  type ComplianceFindingHandler,
  type ComplianceFindingHandlerDeps,
  createComplianceFindingHandler,
} from '../../findings/handler';
import { ClientFactory } from '../../lib/clients';
import { SECURITY_TOOLING_ACCOUNT } from './constants';

/** The suffix Config gave the pack's rules in the sample events: `<name>-conformance-pack-<suffix>`. */
export const PACK_SUFFIX = '-conformance-pack-k2m8x0q4z';
export const packRuleName = (ruleId: string) => `rootguard-${ruleId}${PACK_SUFFIX}`;

export const COMPLIANCE_EVENTS = [
  /** root-hardware-mfa (the organization pack's rule) fails in the member account: its first result. */
  'non-compliant',
  /** root-hardware-mfa passes again in the member account, after NON_COMPLIANT. */
  'compliant',
  /** root-deny-scp does not apply to the management account: its first result. */
  'not-applicable',
  /** A managed rule (iam-root-access-key-check) someone else deployed: not rootguard's. */
  'other-rule',
  /** root-access-keys from an organization conformance pack (suffixed name), failing after passing. */
  'conformance-pack',
] as const;

/**
 * The attacker: a Config rule he created by hand in his member account, named like rootguard's
 * (rootguard-root-user-idle, an ordinary rule ARN), reporting COMPLIANT after NON_COMPLIANT.
 */
export const HAND_MADE_RULE_EVENT = 'hand-made-rule';

export type ComplianceEventName = (typeof COMPLIANCE_EVENTS)[number] | typeof HAND_MADE_RULE_EVENT;

export interface ComplianceEventJson {
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  region: string;
  detail: {
    awsAccountId: string;
    awsRegion: string;
    configRuleName: string;
    resourceId: string;
    resourceType: string;
    notificationCreationTime: string;
    newEvaluationResult: EvaluationResultJson;
    oldEvaluationResult?: EvaluationResultJson | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface EvaluationResultJson {
  complianceType: string;
  resultRecordedTime: string;
  annotation?: string | null;
  [key: string]: unknown;
}

/** A fresh copy of test/events/config-compliance-change-<name>.json, safe to mutate. */
export function loadComplianceEvent(name: ComplianceEventName): ComplianceEventJson {
  return JSON.parse(
    readFileSync(join(__dirname, '..', 'events', `config-compliance-change-${name}.json`), 'utf8'),
  ) as ComplianceEventJson;
}

/** The same event with the new result's compliance (and optionally the old one's) replaced. */
export function withCompliance(
  event: ComplianceEventJson,
  next: string,
  previous?: string | null,
): ComplianceEventJson {
  const copy = structuredClone(event);
  copy.detail.newEvaluationResult.complianceType = next;
  if (previous === null) delete copy.detail.oldEvaluationResult;
  else if (previous !== undefined) {
    copy.detail.oldEvaluationResult = {
      ...structuredClone(copy.detail.newEvaluationResult),
      complianceType: previous,
    };
  }
  return copy;
}

/** The same event as another account, region and/or rule name saw it. */
export function withDetail(
  event: ComplianceEventJson,
  changes: { accountId?: string; region?: string; configRuleName?: string },
): ComplianceEventJson {
  const copy = structuredClone(event);
  const d = copy.detail;
  if (changes.accountId) {
    copy.account = changes.accountId;
    d.awsAccountId = changes.accountId;
    d.resourceId = changes.accountId;
  }
  if (changes.region) {
    copy.region = changes.region;
    d.awsRegion = changes.region;
  }
  // The rule's ARN names its account and Region too (config-rule ARN: arn:aws:config:<region>:<account>:...).
  if (typeof d.configRuleARN === 'string') {
    const [arn, partition, service, , , ...rest] = d.configRuleARN.split(':');
    d.configRuleARN = [arn, partition, service, d.awsRegion, d.awsAccountId, ...rest].join(':');
  }
  if (changes.configRuleName) d.configRuleName = changes.configRuleName;
  return copy;
}

export const FINDINGS_REGION = 'eu-west-1';
export const SECURITY_HUB_REGION = 'eu-west-1';
export const FINDINGS_FUNCTION_ARN = `arn:aws:lambda:${FINDINGS_REGION}:${SECURITY_TOOLING_ACCOUNT}:function:rootguard-compliance-findings`;
export const RUNBOOK_BASE_URL = 'https://github.com/example/rootguard/blob/main/README.md';

export const FINDINGS_CONFIG: FindingsConfig = {
  region: FINDINGS_REGION,
  securityHubRegion: SECURITY_HUB_REGION,
  runbookBaseUrl: RUNBOOK_BASE_URL,
};

export const IMPORT_TARGET: ImportTarget = {
  partition: 'aws',
  region: SECURITY_HUB_REGION,
  importerAccountId: SECURITY_TOOLING_ACCOUNT,
};

/** The part of the Lambda context the handler reads. */
export function findingsLambdaContext(functionArn = FINDINGS_FUNCTION_ARN) {
  return { invokedFunctionArn: functionArn, functionName: 'rootguard-compliance-findings' };
}

/** Requirements in the shape lib/frameworks.ts produces (framework/version/requirement). */
export const SAMPLE_REQUIREMENTS: Record<string, string[]> = {
  'root-hardware-mfa': [
    'CIS AWS Foundations Benchmark v3.0.0/1.6',
    'CIS AWS Foundations Benchmark v5.0.0/1.5',
    'PCI DSS v4.0/8.4.1',
    'PCI DSS v4.0/8.4.2',
  ],
  'root-access-keys': [
    'CIS AWS Foundations Benchmark v3.0.0/1.4',
    'CIS AWS Foundations Benchmark v5.0.0/1.3',
  ],
};

/** Stands in for lib/frameworks.ts `relatedRequirements`. */
export const sampleRelatedRequirements: RelatedRequirementsLookup = (ruleId) =>
  SAMPLE_REQUIREMENTS[ruleId] ?? [];

/**
 * The compliance-finding handler as the unit tests build it: SAMPLE_REQUIREMENTS, FINDINGS_CONFIG, clients in
 * FINDINGS_REGION (Security Hub mocked at the SDK boundary by the test), no pause between retries; `deps` bring
 * the clock and the metrics, and override the rest.
 */
export const findingsHandler = (deps: Partial<ComplianceFindingHandlerDeps> = {}): ComplianceFindingHandler =>
  createComplianceFindingHandler({
    relatedRequirements: sampleRelatedRequirements,
    config: FINDINGS_CONFIG,
    clientFactory: new ClientFactory({ region: FINDINGS_REGION }),
    retryDelayMs: 0,
    ...deps,
  });
