/** Named patterns and fact builders for root-activity-alerting tests. */
import type {
  EventBridgeRuleFacts,
  MetricAlarmFacts,
  MetricAlarmsFacts,
  MetricFilterFacts,
  RootActivityAlertingFacts,
} from '../../rules/root-activity-alerting/evaluate';
import { MEMBER_ACCOUNT } from './constants';

export const SIGN_IN_REGION = 'us-east-1';
export const CLOUDTRAIL_LOG_GROUP = 'aws-cloudtrail-logs-222222222222';
export const ALERT_TOPIC_ARN = `arn:aws:sns:us-east-1:${MEMBER_ACCOUNT}:root-activity`;

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
): EventBridgeRuleFacts {
  return {
    name,
    arn: `arn:aws:events:${SIGN_IN_REGION}:${MEMBER_ACCOUNT}:rule/${name}`,
    state: 'ENABLED',
    eventPattern: typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
    targetCount: 1,
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

export function alarm(alarmName: string, overrides: Partial<MetricAlarmFacts> = {}): MetricAlarmFacts {
  return { alarmName, actionsEnabled: true, alarmActionCount: 1, ...overrides };
}

export function alarmsFor(metric: typeof ROOT_USAGE_METRIC, alarms: MetricAlarmFacts[]): MetricAlarmsFacts {
  return { ...metric, alarms };
}

export interface FactsOptions {
  rules?: EventBridgeRuleFacts[];
  metricFilters?: MetricFilterFacts[];
  alarmsByMetric?: MetricAlarmsFacts[];
  region?: string;
  metricFilterRegion?: string;
}

export function alertingFacts(options: FactsOptions = {}): RootActivityAlertingFacts {
  const region = options.region ?? SIGN_IN_REGION;
  return {
    eventBridge: { region, rules: options.rules ?? [] },
    cloudWatch: {
      region: options.metricFilterRegion ?? region,
      metricFilters: options.metricFilters ?? [],
      alarmsByMetric: options.alarmsByMetric ?? [],
    },
  };
}
