import { AccountClient, ListRegionsCommand, type RegionOptStatus } from '@aws-sdk/client-account';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { awsCall, CollectError } from '../../lib/errors';
import type { CollectContext } from '../../lib/rule-handler';
import type {
  EventBridgeRuleFacts,
  MetricAlarmsFacts,
  MetricFilterFacts,
  RegionRulesFacts,
  RootActivityAlertingFacts,
  RootActivityAlertingParams,
} from './evaluate';
import { rootSignInRegion } from './root-signin-event';

/**
 * Follows a NextToken-style pagination to the end. A token handed back twice would loop forever (and hide
 * nothing new), so it is refused rather than followed.
 */
async function everyPage<P>(
  action: string,
  accountId: string,
  fetch: (token: string | undefined) => Promise<P>,
  nextToken: (page: P) => string | undefined,
): Promise<P[]> {
  const pages: P[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await awsCall(action, accountId, () => fetch(token));
    pages.push(page);
    token = nextToken(page);
    if (token !== undefined && seen.has(token)) {
      throw new CollectError(`${action} in account ${accountId} returned the same page token twice`, {
        action,
        accountId,
      });
    }
    if (token !== undefined) seen.add(token);
  } while (token);
  return pages;
}

/**
 * Rules of the default event bus that have an event pattern, with their target counts.
 *
 * Cost: one ListTargetsByRule call (per page) for every rule with a pattern, made one after another to stay
 * clear of EventBridge's control-plane rate limits. Only evaluate may decide which patterns match a root
 * sign-in, so collect cannot skip rules whose pattern does not look relevant.
 */
async function listRules(events: EventBridgeClient, accountId: string): Promise<EventBridgeRuleFacts[]> {
  const pages = await everyPage(
    'events:ListRules',
    accountId,
    (NextToken) => events.send(new ListRulesCommand({ NextToken })),
    (page) => page.NextToken,
  );
  const rules: EventBridgeRuleFacts[] = [];
  for (const rule of pages.flatMap((page) => page.Rules ?? [])) {
    if (!rule.Name || !rule.EventPattern) continue; // schedule-only rules never see events
    const targetPages = await everyPage(
      'events:ListTargetsByRule',
      accountId,
      (NextToken) => events.send(new ListTargetsByRuleCommand({ Rule: rule.Name, NextToken })),
      (page) => page.NextToken,
    );
    rules.push({
      name: rule.Name,
      arn: rule.Arn ?? '',
      state: rule.State ?? 'UNKNOWN',
      eventPattern: rule.EventPattern,
      targetArns: targetPages.flatMap((page) => (page.Targets ?? []).flatMap((t) => (t.Arn ? [t.Arn] : []))),
    });
  }
  return rules;
}

/** Every metric filter of every log group in the Region. */
async function listMetricFilters(
  logs: CloudWatchLogsClient,
  accountId: string,
): Promise<MetricFilterFacts[]> {
  const pages = await everyPage(
    'logs:DescribeMetricFilters',
    accountId,
    (nextToken) => logs.send(new DescribeMetricFiltersCommand({ nextToken })),
    (page) => page.nextToken,
  );
  return pages.flatMap((page) =>
    (page.metricFilters ?? []).map((filter) => ({
      filterName: filter.filterName ?? '',
      logGroupName: filter.logGroupName ?? '',
      filterPattern: filter.filterPattern ?? '',
      metricTransformations: (filter.metricTransformations ?? []).map((t) => ({
        metricName: t.metricName ?? '',
        metricNamespace: t.metricNamespace ?? '',
      })),
    })),
  );
}

/**
 * Alarms on the metrics of root-related filters. Cost cut only: a filter can require
 * `$.userIdentity.type = "Root"` only if its text contains `Root` (CloudWatch Logs compares values
 * case-sensitively), so other filters' metrics are not looked up; evaluate still judges every filter.
 * DescribeAlarmsForMetric is not paginated. Metrics are asked without dimensions, as metric filters
 * publish them unless a transformation sets dimensions (the CIS filter does not).
 */
async function alarmsForRootFilters(
  cloudwatch: CloudWatchClient,
  accountId: string,
  filters: MetricFilterFacts[],
): Promise<MetricAlarmsFacts[]> {
  const metrics = new Map<string, { metricNamespace: string; metricName: string }>();
  for (const filter of filters.filter((f) => f.filterPattern.includes('Root'))) {
    for (const metric of filter.metricTransformations) {
      if (metric.metricName && metric.metricNamespace) {
        metrics.set(JSON.stringify([metric.metricNamespace, metric.metricName]), metric);
      }
    }
  }
  const result: MetricAlarmsFacts[] = [];
  for (const { metricNamespace, metricName } of metrics.values()) {
    const out = await awsCall('cloudwatch:DescribeAlarmsForMetric', accountId, () =>
      cloudwatch.send(
        new DescribeAlarmsForMetricCommand({ Namespace: metricNamespace, MetricName: metricName }),
      ),
    );
    result.push({
      metricNamespace,
      metricName,
      alarms: (out.MetricAlarms ?? []).map((alarm) => ({
        alarmName: alarm.AlarmName ?? '',
        actionsEnabled: alarm.ActionsEnabled === true,
        alarmActionCount: alarm.AlarmActions?.length ?? 0,
      })),
    });
  }
  return result;
}

/** Regions the account can use: opted in, or on by default. Disabled and in-transition ones have no bus to read. */
export const ENABLED_REGION_STATUSES: RegionOptStatus[] = ['ENABLED', 'ENABLED_BY_DEFAULT'];

/**
 * Every Region enabled in the account, over every ListRegions page (sorted). Without AccountId the call
 * reads the caller's own account: the evaluated one, through its execution role.
 */
async function enabledRegions(account: AccountClient, accountId: string): Promise<string[]> {
  const pages = await everyPage(
    'account:ListRegions',
    accountId,
    (NextToken) =>
      account.send(new ListRegionsCommand({ RegionOptStatusContains: ENABLED_REGION_STATUSES, NextToken })),
    (page) => page.NextToken,
  );
  return pages.flatMap((page) => (page.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])));
}

export async function collect(
  ctx: CollectContext<RootActivityAlertingParams>,
): Promise<RootActivityAlertingFacts> {
  const credentials = ctx.accountCredentials;
  // Root console sign-ins are recorded in the partition's global-service Region, whatever Region the rule
  // runs in; root API calls and console actions in the Region where they are made, so every Region checked
  // is read. The metric filter lives with the trail's log group (MetricFilterRegion), by default in the
  // sign-in Region.
  const signInRegion = rootSignInRegion(ctx.partition);
  const cloudWatchRegion = ctx.params.MetricFilterRegion ?? signInRegion;
  const logs = ctx.clients.client(CloudWatchLogsClient, { credentials, region: cloudWatchRegion });
  const cloudwatch = ctx.clients.client(CloudWatchClient, { credentials, region: cloudWatchRegion });

  const named = ctx.params.ForwardingRegions ?? [];
  const regionsFrom = named.length > 0 ? 'parameter' : 'enabled-regions';
  // The Account API is global, served from the partition's global-service Region.
  const chosen =
    named.length > 0
      ? named
      : await enabledRegions(
          ctx.clients.client(AccountClient, { credentials, region: signInRegion }),
          ctx.accountId,
        );
  const regions = [...new Set([signInRegion, ...chosen])].sort();

  // Regions are read side by side (EventBridge's control-plane limits are per Region), rules within a
  // Region one after another (see listRules).
  const readRegion = async (region: string): Promise<RegionRulesFacts> => ({
    region,
    rules: await listRules(ctx.clients.client(EventBridgeClient, { credentials, region }), ctx.accountId),
  });
  const [regionRules, metricFilters] = await Promise.all([
    Promise.all(regions.map(readRegion)),
    listMetricFilters(logs, ctx.accountId),
  ]);
  const alarmsByMetric = await alarmsForRootFilters(cloudwatch, ctx.accountId, metricFilters);
  return {
    eventBridge: { signInRegion, regionsFrom, regions: regionRules },
    cloudWatch: { region: cloudWatchRegion, metricFilters, alarmsByMetric },
  };
}
