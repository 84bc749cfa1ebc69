/**
 * Live compliance: rootguard's Config rules as an organization aggregator in the tooling account sees them.
 *
 * GetAggregateComplianceDetailsByConfigRule needs the rule name, account and Region of each read, so the
 * aggregator's own list comes first: DescribeAggregateComplianceByConfigRules (every page) names every
 * (rule, account, Region) it holds; the rootguard ones (`rootguard-<id>` or the conformance pack's
 * `rootguard-<id>-conformance-pack-<suffix>`) are then read in full, every page, a few at a time. The SDK's
 * adaptive retries (lib/clients.ts) absorb Config's throttling.
 *
 * One record per (account, rule): the worst verdict over its Regions and resources, its annotation, and the
 * latest time Config invoked the rule for it (ConfigRuleInvokedTime; ResultRecordedTime when absent).
 */
import {
  type ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
} from '@aws-sdk/client-config-service';
import pLimit from 'p-limit';
import { ruleIdFromConfigRuleName } from '../../findings/compliance-event';
import { nextTokenItems } from '../../lib/errors';
import { RULE_IDS } from '../../rules';
import type { RuleEvaluationRecord, RuleStatus } from '../kpi';

const SEVERITY: Record<RuleStatus, number> = {
  NOT_APPLICABLE: 0,
  COMPLIANT: 1,
  INSUFFICIENT_DATA: 2,
  NON_COMPLIANT: 3,
};

const asStatus = (value: string | undefined): RuleStatus =>
  value === 'COMPLIANT' || value === 'NON_COMPLIANT' || value === 'NOT_APPLICABLE'
    ? value
    : 'INSUFFICIENT_DATA';

export interface AggregatorReadOptions {
  /** Reads at once (default 4). */
  concurrency?: number;
  ruleIds?: readonly string[];
}

export async function readAggregatorCompliance(
  client: ConfigServiceClient,
  aggregatorName: string,
  options: AggregatorReadOptions = {},
): Promise<RuleEvaluationRecord[]> {
  const known = new Set(options.ruleIds ?? RULE_IDS);
  const listed = await nextTokenItems(
    'config:DescribeAggregateComplianceByConfigRules',
    undefined,
    (NextToken) =>
      client.send(
        new DescribeAggregateComplianceByConfigRulesCommand({
          ConfigurationAggregatorName: aggregatorName,
          NextToken,
        }),
      ),
    (page) => page.AggregateComplianceByConfigRules,
  );

  const limit = pLimit(options.concurrency ?? 4);
  const reads = listed.flatMap((entry) => {
    const ruleName = entry.ConfigRuleName ?? '';
    const ruleId = ruleIdFromConfigRuleName(ruleName, known);
    const { AccountId: accountId, AwsRegion: region } = entry;
    if (!ruleId || !accountId || !region) return [];
    return [
      limit(async () => {
        const results = await nextTokenItems(
          'config:GetAggregateComplianceDetailsByConfigRule',
          accountId,
          (NextToken) =>
            client.send(
              new GetAggregateComplianceDetailsByConfigRuleCommand({
                ConfigurationAggregatorName: aggregatorName,
                ConfigRuleName: ruleName,
                AccountId: accountId,
                AwsRegion: region,
                Limit: 100,
                NextToken,
              }),
            ),
          (page) => page.AggregateEvaluationResults,
        );
        return { ruleId, accountId, summary: asStatus(entry.Compliance?.ComplianceType), results };
      }),
    ];
  });

  const byKey = new Map<string, RuleEvaluationRecord>();
  for (const { ruleId, accountId, summary, results } of await Promise.all(reads)) {
    const key = `${accountId}|${ruleId}`;
    // No result at all: the aggregator's summary is all there is, undated (so never inside the window).
    const candidates: RuleEvaluationRecord[] =
      results.length === 0
        ? [{ accountId, ruleId, status: summary, annotation: '', lastEvaluated: undefined }]
        : results.map((result) => ({
            accountId,
            ruleId,
            status: asStatus(result.ComplianceType),
            annotation: result.Annotation ?? '',
            lastEvaluated: (result.ConfigRuleInvokedTime ?? result.ResultRecordedTime)?.toISOString(),
          }));
    for (const candidate of candidates) {
      const current = byKey.get(key);
      if (!current) {
        byKey.set(key, candidate);
        continue;
      }
      const worse = SEVERITY[candidate.status] > SEVERITY[current.status];
      const latest = [current.lastEvaluated, candidate.lastEvaluated]
        .filter((t): t is string => t !== undefined)
        .sort()
        .at(-1);
      byKey.set(key, { ...(worse ? candidate : current), lastEvaluated: latest });
    }
  }
  return [...byKey.values()];
}
