/**
 * root-activity-alerting — root activity raises an alert, from every Region, read-only calls included.
 *
 * Trigger: periodic (24 h). Reports on: AWS::::Account (the evaluated account).
 * Reads the default event bus of every Region in ForwardingRegions (blank: every Region enabled in the
 * account, from account:ListRegions) plus the Region where root console sign-ins are recorded (us-east-1;
 * cn-north-1, us-gov-west-1), and CloudWatch Logs metric filters in MetricFilterRegion (default: that Region).
 * Root API calls reach EventBridge in the Region where they are made, so each Region needs its own rule.
 * Patterns are evaluated against real-shaped events, never compared as text (`{"source":["aws.signin"]}` or a
 * `prefix` on userIdentity.type counts).
 * CentralEventBusArn (org mode) is the bus every forwarding rule must target (issue 11, part 4): a rule that
 * delivers only to something inside the account (a Lambda, a topic) can be read or silenced by the account's
 * administrator, so it does not count.
 * Scenarios:
 *  - in every Region, a rule on the default bus in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS,
 *    targeting the central bus, whose pattern matches a root API call and a read-only root API call of that
 *    Region; and in the sign-in Region an enabled rule targeting the central bus matching a root console
 *    sign-in → COMPLIANT, naming the rules and how many Regions
 *  - the sign-in rule only (the API-call rule deleted), even beside a local CIS metric filter → NON_COMPLIANT
 *  - a matching rule whose targets do not include the central bus (e.g. a Lambda in the account) →
 *    NON_COMPLIANT naming the Region, the rule and its targets
 *  - CentralEventBusArn blank and forwarding everywhere → NON_COMPLIANT: the targets could not be checked,
 *    so forwarding alone never passes (single-account mode relies on the CIS metric filter below)
 *  - a Region with no such rule → NON_COMPLIANT naming the Region (sorted, as many as fit in 256 characters,
 *    then "and N more"), grouped by what is missing:
 *    - a matching rule in state ENABLED: it receives no read-only management events (Get*, List*,
 *      Describe*), so a root user listing access keys raises no alert
 *    - a matching rule with no target, or DISABLED
 *    - a rule whose pattern drops read-only calls (e.g. `readOnly: [false]`), or no matching rule at all
 *  - no rule in the sign-in Region matching a root console sign-in → NON_COMPLIANT, naming it
 *  - a rule for IAM users only (`userIdentity.type: ["IAMUser"]`) or for other events → does not count
 *  - a rule whose pattern cannot be evaluated (unsupported operator, malformed JSON) → does not count and is
 *    named in a NON_COMPLIANT annotation
 *  - account:ListRegions (or any read) denied → NON_COMPLIANT "could not be evaluated" (lib/rule-handler.ts),
 *    never COMPLIANT
 *  - CentralEventBusArn blank, and the CIS metric filter (`$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS &&
 *    $.eventType != "AwsServiceEvent"`, whitespace, parentheses, quotes and order normalised) with an
 *    alarm on its metric that has ActionsEnabled and ≥1 AlarmActions → COMPLIANT for every Region, naming
 *    filter and alarm: CIS puts it on the log group of a multi-Region trail, which receives every Region's
 *    events (read-only ones too when the trail logs read events). rootguard does not read trails (its role
 *    has no CloudTrail permission), so that the trail is multi-Region is taken on trust, and said so
 *  - a filter with only `$.userIdentity.type = "Root"` (or one exclusion) counts too: it still fires on every
 *    root use, only more often (for services acting as root); the annotation says it is noisier than CIS
 *  - a filter requiring Root but adding other conditions or `||` → does not count, named in the annotation
 *  - a root-usage filter without an alarm, or whose alarms have no enabled action → NON_COMPLIANT
 *  - with CentralEventBusArn set, a metric filter never passes: its alarm stays inside the account; a working
 *    one is named "alarms inside the account only"
 *  - nothing of the above → NON_COMPLIANT
 */
import {
  compliant,
  formatAnnotation,
  MAX_ANNOTATION_LENGTH,
  nonCompliant,
  type RuleEvaluation,
  truncateAnnotation,
} from '../../lib/evaluation';
import { ALL_MANAGEMENT_EVENTS_STATE, matchesEventPattern, parseEventPattern } from '../../lib/event-pattern';
import type { EvaluateContext } from '../../lib/rule-handler';
import { rootApiCallEvent, rootReadOnlyApiCallEvent } from './root-api-call-event';
import { rootConsoleSignInEvent, rootSignInRegion } from './root-signin-event';
import { analyseRootUsageFilter } from './root-usage-filter';

/** One rule of the default event bus that has an event pattern (schedule-only rules are not collected). */
export interface EventBridgeRuleFacts {
  name: string;
  arn: string;
  /** ENABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS or DISABLED, as ListRules returns it. */
  state: string;
  /** The pattern's JSON text, as ListRules returns it. */
  eventPattern: string;
  /** The ARN of every target on the rule, over every ListTargetsByRule page. */
  targetArns: string[];
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

/** The rules of one Region's default event bus. */
export interface RegionRulesFacts {
  region: string;
  rules: EventBridgeRuleFacts[];
}

export interface RootActivityAlertingFacts {
  eventBridge: {
    /** Where root console sign-ins are recorded (the partition's global-service Region); always read. */
    signInRegion: string;
    /** Where the Regions came from: the ForwardingRegions parameter, or account:ListRegions. */
    regionsFrom: 'parameter' | 'enabled-regions';
    /** Every Region read, sorted by name: those chosen plus the sign-in Region. */
    regions: RegionRulesFacts[];
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
  /** Regions whose default bus must forward root activity. Blank: every Region enabled in the account. */
  ForwardingRegions?: string[];
  /**
   * The central bus every forwarding rule must target. Blank: targets cannot be checked, so forwarding never
   * passes; an account-local CIS metric filter with an alarm still does (single-account mode).
   */
  CentralEventBusArn?: string;
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

/** Why a Region's root activity raises no alert, best candidate first (what is closest to working). */
const PROBLEMS = [
  'enabled-only',
  'wrong-target',
  'drops-read-only',
  'no-target',
  'disabled',
  'no-rule',
] as const;
type Problem = (typeof PROBLEMS)[number];

/** What each duty is missing, in words; the Regions follow. */
const API_CALL_PROBLEM_TEXT: Record<Problem, string> = {
  'enabled-only': `root API call rules are only ENABLED, so read-only calls are missed, in`,
  'wrong-target': 'root API call rules do not target the central bus in',
  'drops-read-only': 'root API call rule patterns skip read-only calls in',
  'no-target': 'root API call rules have no target in',
  disabled: 'root API call rules are DISABLED in',
  'no-rule': 'no rule forwards root API calls in',
};
const SIGN_IN_PROBLEM_TEXT: Record<Problem, string> = {
  'enabled-only': 'no rule forwards root console sign-ins in',
  'wrong-target': 'root sign-in rules do not target the central bus in',
  'drops-read-only': 'no rule forwards root console sign-ins in',
  'no-target': 'root sign-in rules have no target in',
  disabled: 'root sign-in rules are DISABLED in',
  'no-rule': 'no rule forwards root console sign-ins in',
};

interface DutyVerdict {
  /** Rules that do the job in this Region, in facts order. */
  alerting: EventBridgeRuleFacts[];
  /** Set when none does: the closest miss. */
  problem?: Problem;
  /** Matching rules that deliver elsewhere than the central bus: "rule X in R targets Y". */
  misdirected: string[];
}

/** A rule whose pattern parsed. */
interface ReadableRule {
  rule: EventBridgeRuleFacts;
  pattern: ReturnType<typeof parseEventPattern>;
}

/**
 * Which rules of one Region catch every one of `events` (and, with `readOnlyEvent`, that read-only call too,
 * in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS so that EventBridge hands it over), and if none does,
 * the closest miss.
 */
function judgeDuty(
  rules: readonly ReadableRule[],
  duty: {
    region: string;
    centralBusArn: string | undefined;
    events: readonly unknown[];
    readOnlyEvent?: unknown;
  },
): DutyVerdict {
  const { region, centralBusArn, events, readOnlyEvent } = duty;
  const alerting: EventBridgeRuleFacts[] = [];
  const misdirected: string[] = [];
  let best: Problem = 'no-rule';
  const consider = (problem: Problem) => {
    if (PROBLEMS.indexOf(problem) < PROBLEMS.indexOf(best)) best = problem;
  };
  for (const { rule, pattern } of rules) {
    if (!events.every((event) => matchesEventPattern(pattern, event))) continue;
    if (readOnlyEvent !== undefined && !matchesEventPattern(pattern, readOnlyEvent))
      consider('drops-read-only');
    else if (!ENABLED_STATES.has(rule.state)) consider('disabled');
    else if (rule.targetArns.length < 1) consider('no-target');
    // Blank CentralEventBusArn: any target counts here, and evaluate refuses to pass on forwarding alone.
    else if (centralBusArn !== undefined && !rule.targetArns.includes(centralBusArn)) {
      consider('wrong-target');
      misdirected.push(`${rule.name} in ${region} targets ${rule.targetArns.join(', ')}`);
    } else if (readOnlyEvent !== undefined && rule.state !== ALL_MANAGEMENT_EVENTS_STATE)
      consider('enabled-only');
    else alerting.push(rule);
  }
  return alerting.length > 0 ? { alerting, misdirected: [] } : { alerting, problem: best, misdirected };
}

interface RegionVerdict {
  region: string;
  apiCalls: DutyVerdict;
  /** Only in the sign-in Region. */
  signIns?: DutyVerdict;
  /** Rules whose pattern could not be evaluated, with the reason. */
  unreadable: string[];
}

function judgeRegion(
  facts: RegionRulesFacts,
  signInRegion: string,
  centralBusArn: string | undefined,
  ctx: EvaluateContext,
): RegionVerdict {
  const where = { accountId: ctx.accountId, partition: ctx.partition, region: facts.region };
  const unreadable: string[] = [];
  const readable = facts.rules.flatMap((rule): ReadableRule[] => {
    try {
      return [{ rule, pattern: parseEventPattern(rule.eventPattern) }];
    } catch (error) {
      // Malformed JSON as well as an unknown operator: neither may count or vanish.
      unreadable.push(
        `the pattern of rule ${rule.name} in ${facts.region} could not be evaluated (${reasonOf(error)})`,
      );
      return [];
    }
  });
  return {
    region: facts.region,
    apiCalls: judgeDuty(readable, {
      region: facts.region,
      centralBusArn,
      events: [rootApiCallEvent(where)],
      readOnlyEvent: rootReadOnlyApiCallEvent(where),
    }),
    ...(facts.region === signInRegion
      ? {
          signIns: judgeDuty(readable, {
            region: facts.region,
            centralBusArn,
            events: [rootConsoleSignInEvent(where)],
          }),
        }
      : {}),
    unreadable,
  };
}

/** "a, b, c", as many names as fit in `room` characters, then "and N more". */
function fittedNames(names: readonly string[], room: number): string {
  for (let shown = names.length; shown > 1; shown--) {
    const rest = names.length - shown;
    const text = `${names.slice(0, shown).join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
    if (text.length <= room) return text;
  }
  return names.length > 1 ? `${names[0]} and ${names.length - 1} more` : (names[0] ?? '');
}

/**
 * "<what is missing> <Regions>" groups, in PROBLEMS order, with the Region lists shortened evenly until
 * `prefix` + the groups + `suffix` fit in an annotation. The Regions come first: when they cannot fit with the
 * suffix, they are fitted alone and the suffix is left for truncation to cut.
 */
function regionGroups(
  groups: readonly { text: string; regions: string[] }[],
  accountId: string,
  prefix: string,
  suffix: string,
): string {
  const compose = (room: number) => groups.map((g) => `${g.text} ${fittedNames(g.regions, room)}`).join('; ');
  const fits = (text: string, tail: string) =>
    formatAnnotation(accountId, `${prefix}${text}${tail}`).length <= MAX_ANNOTATION_LENGTH;
  for (const tail of [suffix, '']) {
    let room = MAX_ANNOTATION_LENGTH;
    while (room > 0 && !fits(compose(room), tail)) room -= 4;
    if (room > 0) return compose(room);
  }
  return compose(0);
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
    // Every entry for the metric, not the first: a facts file may list one metric twice (fuzz counterexample,
    // issue 16: an alarm in the second entry was read as "no alarm").
    const alarms = filter.metricTransformations.flatMap((metric) =>
      alarmsByMetric
        .filter((m) => m.metricNamespace === metric.metricNamespace && m.metricName === metric.metricName)
        .flatMap((m) => m.alarms),
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

function describeFilter(alert: FilterAlert, region: string): string {
  const base = `metric filter ${alert.filter.filterName} (${alert.filter.logGroupName}, ${region}) feeds alarm ${alert.alarmName}`;
  const missing = alert.missingExclusions;
  if (missing.length === 0) return `${base}, which has an action`;
  const exclusions = `${missing.length === 1 ? 'exclusion' : 'exclusions'} ${missing.join(' and ')}`;
  return `${base}; the filter lacks the CIS ${exclusions}, so it is noisier`;
}

function groupBy(
  verdicts: readonly RegionVerdict[],
  pick: (v: RegionVerdict) => DutyVerdict | undefined,
  texts: Record<Problem, string>,
) {
  return PROBLEMS.flatMap((problem) => {
    const regions = verdicts.filter((v) => pick(v)?.problem === problem).map((v) => v.region);
    return regions.length > 0 ? [{ text: texts[problem], regions }] : [];
  });
}

function describeForwarding(
  facts: RootActivityAlertingFacts,
  verdicts: readonly RegionVerdict[],
  signInRegion: string,
): string {
  const { regionsFrom } = facts.eventBridge;
  const home = verdicts.find((v) => v.region === signInRegion);
  const apiRule = home?.apiCalls.alerting[0] ?? verdicts[0]?.apiCalls.alerting[0];
  const signInRule = home?.signIns?.alerting[0];
  const which = regionsFrom === 'parameter' ? 'of ForwardingRegions' : 'enabled in the account';
  return (
    `EventBridge rules with targets forward root API calls, read-only included, in all ${plural(verdicts.length, 'Region')} ${which} ` +
    `(e.g. ${apiRule?.name ?? '?'}), and rule ${signInRule?.name ?? '?'} root console sign-ins in ${signInRegion}`
  );
}

export function evaluate(
  facts: RootActivityAlertingFacts,
  params: RootActivityAlertingParams | undefined,
  ctx: EvaluateContext,
): RuleEvaluation[] {
  const { accountId } = ctx;
  // The partition decides where sign-ins are recorded, not the facts: a hand-written facts file naming another
  // Region (or leaving the sign-in Region or a Region of ForwardingRegions out) must not skip a duty. A Region
  // the facts do not cover has no rule known to forward anything (fuzz counterexample, issue 16).
  const signInRegion = rootSignInRegion(ctx.partition);
  const cwRegion = facts.cloudWatch.region;
  const centralBusArn = params?.CentralEventBusArn || undefined;
  const read = facts.eventBridge.regions;
  const unread = [...new Set([signInRegion, ...(params?.ForwardingRegions ?? [])])]
    .filter((region) => !read.some((r) => r.region === region))
    .map((region): RegionRulesFacts => ({ region, rules: [] }));
  const verdicts = [...read, ...unread].map((r) => judgeRegion(r, signInRegion, centralBusArn, ctx));
  const filters = judgeMetricFilters(facts);
  // CIS filters first, so the annotation names the best one.
  const filterAlert = [...filters.alerting].sort(
    (a, b) => a.missingExclusions.length - b.missingExclusions.length,
  )[0];
  const missing = verdicts.filter(
    (v) => v.apiCalls.problem !== undefined || v.signIns?.problem !== undefined,
  );
  const forwardsEverywhere = verdicts.length > 0 && missing.length === 0;

  if (forwardsEverywhere && centralBusArn !== undefined) {
    const also = filterAlert ? `; also metric filter ${filterAlert.filter.filterName}` : '';
    return [
      compliant(accountId, `${describeForwarding(facts, verdicts, signInRegion)} to the central bus${also}`),
    ];
  }
  if (filterAlert && centralBusArn === undefined) {
    // Single-account mode: no central bus to check against. A metric filter sees what its trail delivers:
    // every Region's events, for a multi-Region trail.
    return [
      compliant(
        accountId,
        `${describeFilter(filterAlert, cwRegion)}; counted for every Region, as on a multi-Region trail's log group`,
      ),
    ];
  }
  if (forwardsEverywhere) {
    return [
      nonCompliant(
        accountId,
        `CentralEventBusArn is not set, so the targets of the forwarding rules (e.g. ${verdicts[0]?.apiCalls.alerting[0]?.name ?? '?'}) could not be checked against the central bus`,
      ),
    ].map((e) => ({ ...e, annotation: truncateAnnotation(e.annotation) }));
  }

  const groups = [
    ...groupBy(verdicts, (v) => v.signIns, SIGN_IN_PROBLEM_TEXT),
    ...groupBy(verdicts, (v) => v.apiCalls, API_CALL_PROBLEM_TEXT),
  ];
  // With a central bus, metric filters do not count (their alarms stay inside the account, whose
  // administrator can silence them): a working one is named as such, the others are not mentioned.
  const metricFilterFindings =
    centralBusArn === undefined
      ? filters.findings.length > 0
        ? filters.findings
        : [`no root-usage metric filter in ${cwRegion}`]
      : filterAlert
        ? [`metric filter ${filterAlert.filter.filterName} alarms inside the account only`]
        : [];
  const others = [
    ...verdicts.flatMap((v) => [...(v.signIns?.misdirected ?? []), ...v.apiCalls.misdirected]),
    ...verdicts.flatMap((v) => v.unreadable),
    ...metricFilterFindings,
  ];
  const prefix = `root activity raises no alert in ${missing.length} of ${plural(verdicts.length, 'Region')}: `;
  const suffix = others.length > 0 ? `; ${listed(others)}` : '';
  const result = nonCompliant(
    accountId,
    `${prefix}${regionGroups(groups, accountId, prefix, suffix)}${suffix}`,
  );
  // The Regions are fitted above; other findings (unreadable patterns) can still overflow Config's limit.
  return [{ ...result, annotation: truncateAnnotation(result.annotation) }];
}
