/** Named patterns and fact builders for root-activity-alerting tests. */
import { ALL_MANAGEMENT_EVENTS_STATE } from '../../lib/event-pattern';
import type {
  EventBridgeRuleFacts,
  MetricAlarmFacts,
  MetricAlarmsFacts,
  MetricFilterFacts,
  RegionRulesFacts,
  RootActivityAlertingFacts,
} from '../../rules/root-activity-alerting/evaluate';
import { MEMBER_ACCOUNT, SECURITY_TOOLING_ACCOUNT } from './constants';

export const SIGN_IN_REGION = 'us-east-1';
export const CLOUDTRAIL_LOG_GROUP = 'aws-cloudtrail-logs-222222222222';
export const ALERT_TOPIC_ARN = `arn:aws:sns:us-east-1:${MEMBER_ACCOUNT}:root-activity`;
/** The central bus in the security tooling account (the rule's CentralEventBusArn). */
export const CENTRAL_BUS_ARN = `arn:aws:events:us-east-1:${SECURITY_TOOLING_ACCOUNT}:event-bus/rootguard-root-activity-prod`;
/** A Lambda in the member account itself: its administrator can read, change or silence it. */
export const MEMBER_LAMBDA_ARN = `arn:aws:lambda:us-east-1:${MEMBER_ACCOUNT}:function:root-activity-sink`;
/** Org mode: the rule checks every forwarding rule's target against the central bus. */
export const ORG_PARAMS = { CentralEventBusArn: CENTRAL_BUS_ARN };

/** The pattern the member-account StackSet deploys (alerts/root-activity/patterns.json, rootConsoleSignIn). */
export const ROOT_SIGN_IN_PATTERN = {
  'detail-type': ['AWS Console Sign In via CloudTrail'],
  detail: { userIdentity: { type: ['Root'] } },
};
export const IAM_USER_SIGN_IN_PATTERN = {
  'detail-type': ['AWS Console Sign In via CloudTrail'],
  detail: { userIdentity: { type: ['IAMUser'] } },
};
export const ALL_SIGN_INS_PATTERN = { source: ['aws.signin'] };
export const ROOT_PREFIX_PATTERN = { detail: { userIdentity: { type: [{ prefix: 'Ro' }] } } };
export const ROOT_API_CALL_PATTERN = {
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { userIdentity: { type: ['Root'] } },
};
/** Root API calls that change something: read-only ones (Get*, List*, Describe*) never match. */
export const ROOT_WRITE_CALL_PATTERN = {
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { userIdentity: { type: ['Root'] }, readOnly: [false] },
};
/** The commercial Regions besides us-east-1, sorted: an account where none forwards. */
export const MANY_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ca-central-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'me-central-1',
  'me-south-1',
  'sa-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;
/** Regions some tests read besides the sign-in Region, sorted. */
export const OTHER_REGIONS = ['ap-southeast-2', 'eu-west-1'] as const;
/** An operator lib/event-pattern.ts does not know (EventBridge adds operators over time): reported, never guessed. */
export const UNSUPPORTED_PATTERN = {
  detail: { userIdentity: { type: [{ 'some-future-operator': 'Root' }] } },
};

export const CIS_ROOT_USAGE_FILTER =
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }';
export const ROOT_ONLY_FILTER = '{ $.userIdentity.type = "Root" }';

export const ROOT_USAGE_METRIC = { metricNamespace: 'CISBenchmark', metricName: 'RootAccountUsage' };

export function eventBridgeRule(
  name: string,
  pattern: unknown,
  overrides: Partial<EventBridgeRuleFacts> = {},
  region = SIGN_IN_REGION,
): EventBridgeRuleFacts {
  return {
    name,
    arn: `arn:aws:events:${region}:${MEMBER_ACCOUNT}:rule/${name}`,
    state: ALL_MANAGEMENT_EVENTS_STATE,
    eventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
    targetArns: [CENTRAL_BUS_ARN],
    ...overrides,
  };
}

export function metricFilter(
  filterName: string,
  filterPattern: string,
  metric = ROOT_USAGE_METRIC,
): MetricFilterFacts {
  return {
    filterName,
    logGroupName: CLOUDTRAIL_LOG_GROUP,
    filterPattern,
    metricTransformations: [{ ...metric }],
  };
}

/** The same filter as DescribeMetricFilters returns it (its transformations carry a metricValue). */
export function describedMetricFilter(filterName: string, filterPattern: string, metric = ROOT_USAGE_METRIC) {
  return {
    ...metricFilter(filterName, filterPattern),
    metricTransformations: [{ ...metric, metricValue: '1' }],
  };
}

export function alarm(alarmName: string, overrides: Partial<MetricAlarmFacts> = {}): MetricAlarmFacts {
  return { alarmName, actionsEnabled: true, alarmActionCount: 1, ...overrides };
}

export function alarmsFor(metric: typeof ROOT_USAGE_METRIC, alarms: MetricAlarmFacts[]): MetricAlarmsFacts {
  return { ...metric, alarms };
}

/**
 * The rules member-forwarding.yaml deploys in `region` (alerts/root-activity/patterns.json, each in state
 * ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS with the central bus as target).
 */
export function forwardingRules(
  patterns: Record<string, unknown>,
  region: string,
  overrides: Partial<EventBridgeRuleFacts> = {},
): EventBridgeRuleFacts[] {
  return Object.entries(patterns).map(([key, pattern]) =>
    eventBridgeRule(
      `rootguard-${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`,
      pattern,
      overrides,
      region,
    ),
  );
}

export interface FactsOptions {
  /** Rules of the sign-in Region's default bus. */
  rules?: EventBridgeRuleFacts[];
  /** Rules of other Regions' default buses, by Region. */
  otherRegions?: Record<string, EventBridgeRuleFacts[]>;
  regionsFrom?: RootActivityAlertingFacts['eventBridge']['regionsFrom'];
  metricFilters?: MetricFilterFacts[];
  alarmsByMetric?: MetricAlarmsFacts[];
  region?: string;
  metricFilterRegion?: string;
}

export function alertingFacts(options: FactsOptions = {}): RootActivityAlertingFacts {
  const region = options.region ?? SIGN_IN_REGION;
  const regions: RegionRulesFacts[] = [
    { region, rules: options.rules ?? [] },
    ...Object.entries(options.otherRegions ?? {}).map(([name, rules]) => ({ region: name, rules })),
  ].sort((a, b) => a.region.localeCompare(b.region));
  return {
    eventBridge: { signInRegion: region, regionsFrom: options.regionsFrom ?? 'enabled-regions', regions },
    cloudWatch: {
      region: options.metricFilterRegion ?? region,
      metricFilters: options.metricFilters ?? [],
      alarmsByMetric: options.alarmsByMetric ?? [],
    },
  };
}

/** A metric filter on ROOT_USAGE_METRIC and one alarm with an action on that metric (alertingFacts overrides). */
export const alarmedFilter = (filterName: string, filterPattern: string, alarmName: string) => ({
  metricFilters: [metricFilter(filterName, filterPattern)],
  alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm(alarmName)])],
});

/** The CIS root-usage filter as the CIS benchmark names it, with its alarm. */
export const CIS_FILTER_WITH_ALARM = alarmedFilter(
  'RootAccountUsage',
  CIS_ROOT_USAGE_FILTER,
  'RootAccountUsageAlarm',
);

/** Facts where one metric filter, `filterName` with `filterPattern`, feeds one enabled alarm `alarmName`. */
export function alarmedFilterFacts(
  filterName: string,
  filterPattern: string,
  alarmName: string,
): RootActivityAlertingFacts {
  return alertingFacts(alarmedFilter(filterName, filterPattern, alarmName));
}
