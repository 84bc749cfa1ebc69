/**
 * root-activity-alerting — a root console sign-in raises an alert.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Looks in the Region where root console sign-ins are recorded (us-east-1; cn-north-1, us-gov-west-1) for
 * EventBridge, and in MetricFilterRegion (default: the same Region) for CloudWatch Logs metric filters.
 * Scenarios:
 *  - an enabled rule on the default bus whose pattern matches a real-shaped root console sign-in (evaluated,
 *    never compared as text: `{"source":["aws.signin"]}` or a `prefix` on userIdentity.type counts) and that
 *    has a target → COMPLIANT, naming the rule
 *  - such a rule with no target, or DISABLED → NON_COMPLIANT, naming the rule and what it lacks
 *  - a rule for IAM users only (`userIdentity.type: ["IAMUser"]`) or for other events → does not count
 *  - a rule whose pattern cannot be evaluated (unsupported operator, malformed JSON) → does not count and is
 *    named in a NON_COMPLIANT annotation
 *  - the CIS metric filter (`$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS &&
 *    $.eventType != "AwsServiceEvent"`, whitespace, parentheses, quotes and order normalised) with an
 *    alarm on its metric that has ActionsEnabled and ≥1 AlarmActions → COMPLIANT, naming filter and alarm
 *  - a filter with only `$.userIdentity.type = "Root"` (or one exclusion) counts too: it still fires on every
 *    root sign-in, only more often (for services acting as root); the annotation says it is noisier than CIS
 *  - a filter requiring Root but adding other conditions or `||` → does not count, named in the annotation
 *  - a root-usage filter without an alarm, or whose alarms have no enabled action → NON_COMPLIANT
 *  - nothing of the above → NON_COMPLIANT
 */
import { compliant, nonCompliant, type RuleEvaluation } from '../../lib/evaluation';
import { matchesEventPattern } from '../../lib/event-pattern';
import type { EvaluateContext } from '../../lib/rule-handler';
import { rootConsoleSignInEvent } from './root-signin-event';
import { analyseRootUsageFilter } from './root-usage-filter';

/** One rule of the default event bus that has an event pattern (schedule-only rules are not collected). */
export interface EventBridgeRuleFacts {
  name: string;
  arn: string;
  /** ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS or DISABLED, as ListRules returns it. */
  state: string;
  /** The pattern's JSON text, as ListRules returns it. */
  eventPattern: string;
  /** Targets on the rule, counted over every ListTargetsByRule page. */
  targetCount: number;
}

export interface MetricFilterFacts {
  filterName: string;
  logGroupName: string;
  filterPattern: string;
  metricTransformations: { metricName: string; metricNamespace: string }[];
}

export interface MetricAlarmFacts {
  alarmName: string;
  actionsEnabled: boolean;
  alarmActionCount: number;
}

/** The alarms DescribeAlarmsForMetric returned for one metric (empty when there are none). */
export interface MetricAlarmsFacts {
  metricNamespace: string;
  metricName: string;
  alarms: MetricAlarmFacts[];
}

export interface RootActivityAlertingFacts {
  eventBridge: {
    /** The Region read: where root console sign-ins are recorded. */
    region: string;
    rules: EventBridgeRuleFacts[];
  };
  cloudWatch: {
    /** The Region read for metric filters and alarms. */
    region: string;
    /** Every metric filter of every log group in that Region. */
    metricFilters: MetricFilterFacts[];
    /** Alarms for the metrics of the filters collect considered root-related (see collect.ts). */
    alarmsByMetric: MetricAlarmsFacts[];
  };
}

export interface RootActivityAlertingParams {
  MetricFilterRegion?: string;
}

const ENABLED_STATES = new Set(['ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);

/** How many findings a NON_COMPLIANT annotation spells out before "and N more". */
const MAX_FINDINGS = 3;

function listed(items: string[], max = MAX_FINDINGS): string {
  const shown = items.slice(0, max).join('; ');
  return items.length > max ? `${shown}; and ${items.length - max} more` : shown;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 60 ? `${message.slice(0, 57)}...` : message;
}

interface RuleVerdicts {
  alerting: EventBridgeRuleFacts[];
  findings: string[];
}

function judgeRules(facts: RootActivityAlertingFacts, ctx: EvaluateContext): RuleVerdicts {
  const event = rootConsoleSignInEvent({
    accountId: ctx.accountId,
    partition: ctx.partition,
    region: facts.eventBridge.region,
  });
  const alerting: EventBridgeRuleFacts[] = [];
  const findings: string[] = [];
  for (const rule of facts.eventBridge.rules) {
    let matches: boolean;
    try {
      matches = matchesEventPattern(rule.eventPattern, event);
    } catch (error) {
      // SyntaxError from malformed JSON as well as InvalidEventPatternError: neither may count or vanish.
      findings.push(`the pattern of rule ${rule.name} could not be evaluated (${reasonOf(error)})`);
      continue;
    }
    if (!matches) continue;
    if (!ENABLED_STATES.has(rule.state)) {
      findings.push(`rule ${rule.name} matches root sign-ins but is ${rule.state}`);
    } else if (rule.targetCount < 1) {
      findings.push(`rule ${rule.name} matches root sign-ins but has no target`);
    } else {
      alerting.push(rule);
    }
  }
  return { alerting, findings };
}

interface FilterAlert {
  filter: MetricFilterFacts;
  alarmName: string;
  /** CIS exclusions the filter lacks (empty for the CIS filter): it alarms on more than root activity. */
  missingExclusions: string[];
}

interface FilterVerdicts {
  alerting: FilterAlert[];
  findings: string[];
}

function judgeMetricFilters(facts: RootActivityAlertingFacts): FilterVerdicts {
  const { metricFilters, alarmsByMetric } = facts.cloudWatch;
  const alerting: FilterAlert[] = [];
  const findings: string[] = [];
  for (const filter of metricFilters) {
    const analysis = analyseRootUsageFilter(filter.filterPattern);
    if (!analysis?.requiresRoot) continue;
    const name = `metric filter ${filter.filterName}`;
    if (analysis.usesOr) {
      findings.push(`${name} combines conditions with ||, so it is not the CIS root-usage filter`);
      continue;
    }
    if (analysis.otherConditions.length > 0) {
      findings.push(`${name} narrows root usage with ${analysis.otherConditions.join(' && ')}`);
      continue;
    }
    const alarms = filter.metricTransformations.flatMap(
      (metric) =>
        alarmsByMetric.find(
          (m) => m.metricNamespace === metric.metricNamespace && m.metricName === metric.metricName,
        )?.alarms ?? [],
    );
    const acting = alarms.find((alarm) => alarm.actionsEnabled && alarm.alarmActionCount > 0);
    if (acting) {
      const missingExclusions = [
        ...(analysis.excludesInvokedBy ? [] : ['invokedBy NOT EXISTS']),
        ...(analysis.excludesServiceEvents ? [] : ['eventType != AwsServiceEvent']),
      ];
      alerting.push({ filter, alarmName: acting.alarmName, missingExclusions });
    } else if (alarms.length === 0) {
      findings.push(`${name} has no alarm`);
    } else {
      findings.push(
        `${name} has no alarm with an enabled action (${alarms.map((a) => a.alarmName).join(', ')})`,
      );
    }
  }
  return { alerting, findings };
}

function describeRule(rule: EventBridgeRuleFacts, region: string, others: number): string {
  const more = others > 0 ? ` (and ${others} more)` : '';
  return `EventBridge rule ${rule.name} in ${region} matches root console sign-ins and has ${plural(rule.targetCount, 'target')}${more}`;
}

function describeFilter(alert: FilterAlert, region: string): string {
  const base = `metric filter ${alert.filter.filterName} (${alert.filter.logGroupName}, ${region}) feeds alarm ${alert.alarmName}`;
  const missing = alert.missingExclusions;
  if (missing.length === 0) return `${base}, which has an action`;
  const exclusions = `${missing.length === 1 ? 'exclusion' : 'exclusions'} ${missing.join(' and ')}`;
  return `${base}; the filter lacks the CIS ${exclusions}, so it is noisier`;
}

export function evaluate(
  facts: RootActivityAlertingFacts,
  _params: unknown,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  const ebRegion = facts.eventBridge.region;
  const cwRegion = facts.cloudWatch.region;
  const rules = judgeRules(facts, ctx);
  const filters = judgeMetricFilters(facts);
  // CIS filters first, so the annotation names the best one.
  const filterAlert = [...filters.alerting].sort(
    (a, b) => a.missingExclusions.length - b.missingExclusions.length,
  )[0];
  const ruleAlert = rules.alerting[0];

  if (ruleAlert) {
    const also = filterAlert ? `; also ${describeFilter(filterAlert, cwRegion)}` : '';
    return [compliant(accountId, `${describeRule(ruleAlert, ebRegion, rules.alerting.length - 1)}${also}`)];
  }
  if (filterAlert) {
    return [compliant(accountId, describeFilter(filterAlert, cwRegion))];
  }

  const findings = [
    ...(rules.findings.length > 0
      ? rules.findings
      : [`no EventBridge rule in ${ebRegion} matches a root console sign-in`]),
    ...(filters.findings.length > 0 ? filters.findings : [`no root-usage metric filter in ${cwRegion}`]),
  ];
  return [nonCompliant(accountId, `root console sign-ins raise no alert: ${listed(findings)}`)];
}
