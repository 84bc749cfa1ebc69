import * as fc from 'fast-check';
import type { ComplianceType } from '../../../../lib/evaluation';
import type { Partition } from '../../../../lib/partition';
import type { EvaluateContext } from '../../../../lib/rule-handler';
import { evaluate, type RootActivityAlertingFacts } from '../../../../rules/root-activity-alerting/evaluate';
import { factsSchema } from '../../../../rules/root-activity-alerting/facts';
import { EVALUATE_CONTEXT, judgeOne } from '../../../helpers/rule-harness';
import { bindPlaceholders, describeRuleProperties, sometimesJunk } from '../../../helpers/rule-properties';

/** Where each partition records root console sign-ins (README: us-east-1, cn-north-1 or us-gov-west-1). */
const SIGN_IN_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};
const ALL_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
const CENTRAL_BUS = 'arn:aws:events:eu-west-1:444444444444:event-bus/rootguard-central';
const LOCAL_TARGETS = [
  'arn:aws:lambda:eu-west-1:222222222222:function:local-alert',
  'arn:aws:events:eu-west-1:222222222222:event-bus/elsewhere',
];
/** Stands for the context's sign-in Region until `bind` knows the partition. */
const SIGN_IN = '<sign-in>';
const OTHER_REGIONS = ['eu-west-1', 'ap-southeast-2', 'us-west-2'];

/**
 * Event patterns whose verdict is known by reading them, not by running lib/event-pattern.ts: does each catch a
 * root API call (readOnly false), a read-only one, a root console sign-in (readOnly false, source aws.signin)?
 */
type Catch = boolean | 'unsure';
interface CataloguePattern {
  pattern: string;
  api: Catch;
  readOnly: Catch;
  signIn: Catch;
}
const labelled = (pattern: string, api: Catch, readOnly: Catch, signIn: Catch): CataloguePattern => ({
  pattern,
  api,
  readOnly,
  signIn,
});
/** A pattern on the CloudTrail event's `detail`, with `top` beside it (source, detail-type). */
const onDetail = (detail: object, top: object = {}) => JSON.stringify({ ...top, detail });
const ROOT = { userIdentity: { type: ['Root'] } };
const PATTERNS: readonly CataloguePattern[] = [
  labelled(onDetail(ROOT), true, true, true),
  labelled(onDetail(ROOT, { 'detail-type': ['AWS API Call via CloudTrail'] }), true, true, false),
  labelled('{"source":["aws.signin"]}', false, false, true),
  labelled(onDetail(ROOT, { 'detail-type': ['AWS Console Sign In via CloudTrail'] }), false, false, true),
  labelled(onDetail({ userIdentity: { type: ['IAMUser'] } }), false, false, false),
  labelled(onDetail({ ...ROOT, readOnly: [false] }), true, false, 'unsure'),
  labelled(onDetail({ userIdentity: { type: [{ prefix: 'Ro' }] } }), true, true, true),
  labelled(onDetail(ROOT, { source: [{ prefix: 'aws.' }] }), true, true, true),
  labelled('{"detail":', false, false, false),
  labelled(onDetail({ userIdentity: { type: [{ wildcardz: 'R*' }] } }), false, false, false),
  labelled('[]', false, false, false),
];

/** CloudWatch Logs filter patterns, labelled from the README: a Root requirement, no `||`, no other terms. */
const COUNTING_FILTERS = [
  '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
  '{($.eventType!="AwsServiceEvent")&&($.userIdentity.type="Root")}',
  '{ $.userIdentity.type = "Root" }',
];
const OTHER_FILTERS = [
  '{ $.userIdentity.type = "Root" || $.eventName = "ConsoleLogin" }',
  '{ $.userIdentity.type = "Root" && $.eventName = "ConsoleLogin" }',
  '{ $.userIdentity.type = "IAMUser" }',
  'Root',
  '',
];
const FILTERS: readonly { pattern: string; counts: boolean }[] = [
  ...COUNTING_FILTERS.map((pattern) => ({ pattern, counts: true })),
  ...OTHER_FILTERS.map((pattern) => ({ pattern, counts: false })),
];

const weighted = <T>(good: fc.Arbitrary<T>, others: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: others, weight: 1 });

const ruleArb = fc.record({
  name: fc.constantFrom('forward-root', 'root-signin', 'x'),
  arn: fc.constant('arn:aws:events:eu-west-1:222222222222:rule/forward-root'),
  state: sometimesJunk(
    weighted(fc.constant(ALL_EVENTS), fc.constantFrom('ENABLED', 'DISABLED', 'ENABLED_SOMETIMES', '')),
  ),
  eventPattern: weighted(fc.constantFrom(0, 6, 7), fc.nat({ max: PATTERNS.length - 1 })).map(
    (i) => (PATTERNS[i] as CataloguePattern).pattern,
  ),
  targetArns: weighted(fc.constant<string[]>([CENTRAL_BUS]), fc.subarray([CENTRAL_BUS, ...LOCAL_TARGETS])),
});
const regionArb = fc.record({
  region: weighted(fc.constant(SIGN_IN), fc.constantFrom(...OTHER_REGIONS, 'not a region')),
  rules: fc.array(ruleArb, { maxLength: 3 }),
});
const metric = { metricName: 'RootUsage', metricNamespace: 'CIS' };
const factsArb = fc.record({
  eventBridge: fc.record({
    signInRegion: weighted(fc.constant(SIGN_IN), fc.constantFrom(...OTHER_REGIONS)),
    regionsFrom: sometimesJunk(fc.constantFrom('parameter', 'enabled-regions')),
    regions: fc.uniqueArray(regionArb, { maxLength: 3, selector: (r) => r.region }),
  }),
  cloudWatch: fc.record({
    region: weighted(fc.constant(SIGN_IN), fc.constantFrom(...OTHER_REGIONS)),
    metricFilters: fc.array(
      fc.record({
        filterName: fc.constant('root-usage'),
        logGroupName: fc.constant('aws-cloudtrail-logs'),
        filterPattern: fc.nat({ max: FILTERS.length - 1 }).map((i) => FILTERS[i]?.pattern),
        metricTransformations: weighted(
          fc.constant([metric]),
          fc.constant([{ ...metric, metricName: 'Other' }]),
        ),
      }),
      { maxLength: 2 },
    ),
    alarmsByMetric: fc.array(
      fc.record({
        ...{ metricNamespace: fc.constant('CIS'), metricName: fc.constantFrom('RootUsage', 'Other') },
        alarms: fc.array(
          fc.record({
            alarmName: fc.constant('root-usage-alarm'),
            actionsEnabled: fc.boolean(),
            alarmActionCount: sometimesJunk(fc.nat({ max: 2 })),
          }),
          { maxLength: 2 },
        ),
      }),
      { maxLength: 2 },
    ),
  }),
});

// collect sorts the Regions; a hand-written file may not, and must not matter: they stay as drawn.
const bind = (drawn: unknown, ctx: EvaluateContext): unknown =>
  bindPlaceholders(drawn, ctx, (value) => (value === SIGN_IN ? SIGN_IN_REGION[ctx.partition] : value));

/** The three-valued verdict of one catalogue pattern, `unsure` read as `assume`. */
function catches(pattern: string, what: 'api' | 'readOnly' | 'signIn', assume: boolean): boolean {
  const label = PATTERNS.find((p) => p.pattern === pattern)?.[what] ?? false;
  return label === 'unsure' ? assume : label;
}

/**
 * README "How each rule decides" / rule.json, read with `unsure` patterns resolved as `assume`. With
 * CentralEventBusArn: every Region of ForwardingRegions (or of the facts) and the sign-in Region read, each
 * with a rule in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS catching a root API call and a read-only one and
 * targeting the central bus; the sign-in Region also with an enabled rule catching a root console sign-in
 * that targets the central bus. Without it: a root-usage metric filter with an alarm that has an enabled action.
 */
function documentedCondition(
  facts: RootActivityAlertingFacts,
  params: Record<string, unknown>,
  ctx: EvaluateContext,
  assume: boolean,
): boolean {
  const bus = (params.CentralEventBusArn as string | undefined) || undefined;
  if (bus) {
    const signIn = SIGN_IN_REGION[ctx.partition];
    const read = new Map(facts.eventBridge.regions.map((r) => [r.region, r.rules]));
    const required = new Set([signIn, ...((params.ForwardingRegions as string[] | undefined) ?? [])]);
    if (facts.eventBridge.regions.length === 0 || [...required].some((r) => !read.has(r))) return false;
    const apiOk = facts.eventBridge.regions.every((r) =>
      r.rules.some(
        (rule) =>
          rule.state === ALL_EVENTS &&
          rule.targetArns.includes(bus) &&
          catches(rule.eventPattern, 'api', assume) &&
          catches(rule.eventPattern, 'readOnly', assume),
      ),
    );
    const signInOk = (read.get(signIn) ?? []).some(
      (rule) =>
        (rule.state === 'ENABLED' || rule.state === ALL_EVENTS) &&
        rule.targetArns.includes(bus) &&
        catches(rule.eventPattern, 'signIn', assume),
    );
    return apiOk && signInOk;
  }
  return facts.cloudWatch.metricFilters.some(
    (filter) =>
      FILTERS.find((f) => f.pattern === filter.filterPattern)?.counts === true &&
      filter.metricTransformations.some((m) =>
        facts.cloudWatch.alarmsByMetric.some(
          (a) =>
            a.metricName === m.metricName &&
            a.metricNamespace === m.metricNamespace &&
            a.alarms.some((alarm) => alarm.actionsEnabled && alarm.alarmActionCount > 0),
        ),
      ),
  );
}

describe('root-activity-alerting properties', () => {
  describeRuleProperties({
    ruleId: 'root-activity-alerting',
    factsSchema,
    facts: factsArb,
    bind,
    params: fc.record(
      {
        CentralEventBusArn: weighted(fc.constant(CENTRAL_BUS), fc.constantFrom('', 'arn:aws:sns:x')),
        ForwardingRegions: fc.oneof(
          fc.constant(undefined),
          fc.subarray(OTHER_REGIONS).map((r) => r.join(',')),
        ),
      },
      { requiredKeys: [] },
    ),
    oracle: (facts: RootActivityAlertingFacts, params, ctx): ComplianceType[] => {
      if (documentedCondition(facts, params, ctx, false)) return ['COMPLIANT'];
      return documentedCondition(facts, params, ctx, true)
        ? ['COMPLIANT', 'NON_COMPLIANT']
        : ['NON_COMPLIANT'];
    },
    runs: 300,
  });
});

// Shrunk counterexamples the property found (issue 16), kept as named tests.
describe('root-activity-alerting counterexamples', () => {
  const forwarding = (region: string) => ({
    region,
    rules: [
      {
        name: 'forward-root',
        arn: `arn:aws:events:${region}:222222222222:rule/forward-root`,
        state: ALL_EVENTS,
        eventPattern: '{"detail":{"userIdentity":{"type":["Root"]}}}',
        targetArns: [CENTRAL_BUS],
      },
    ],
  });
  const facts = (regions: string[]): RootActivityAlertingFacts => ({
    eventBridge: { signInRegion: 'us-east-1', regionsFrom: 'parameter', regions: regions.map(forwarding) },
    cloudWatch: { region: 'us-east-1', metricFilters: [], alarmsByMetric: [] },
  });

  it('facts that leave out the sign-in Region are NON_COMPLIANT, naming it (was COMPLIANT with "rule ?")', () => {
    // Prepare
    const leftOut = facts(['eu-west-1']);

    // Act
    const evaluation = judgeOne(evaluate, leftOut, { CentralEventBusArn: CENTRAL_BUS }, EVALUATE_CONTEXT);

    // Assess
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('no rule forwards root console sign-ins in us-east-1');
  });

  it('facts that leave out a Region of ForwardingRegions are NON_COMPLIANT, naming it', () => {
    // Prepare
    const leftOut = facts(['us-east-1']);
    const params = { CentralEventBusArn: CENTRAL_BUS, ForwardingRegions: ['us-east-1', 'ap-southeast-2'] };

    // Act
    const evaluation = judgeOne(evaluate, leftOut, params, EVALUATE_CONTEXT);

    // Assess
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('no rule forwards root API calls in ap-southeast-2');
  });

  it('facts that name another sign-in Region still need the partition one (us-east-1 for aws)', () => {
    // Prepare
    const elsewhere = {
      ...facts(['eu-west-1']),
      eventBridge: { ...facts(['eu-west-1']).eventBridge, signInRegion: 'eu-west-1' },
    };

    // Act
    const evaluation = judgeOne(evaluate, elsewhere, { CentralEventBusArn: CENTRAL_BUS }, EVALUATE_CONTEXT);

    // Assess
    expect(evaluation?.complianceType).toBe('NON_COMPLIANT');
  });

  it('an alarm listed under the second of two entries for one metric counts (was "has no alarm")', () => {
    // Prepare
    const filter = {
      filterName: 'root-usage',
      logGroupName: 'aws-cloudtrail-logs',
      filterPattern: FILTERS[0]?.pattern ?? '',
      metricTransformations: [metric],
    };
    const twice: RootActivityAlertingFacts = {
      ...facts([]),
      cloudWatch: {
        region: 'eu-west-1',
        metricFilters: [filter],
        alarmsByMetric: [
          { ...metric, alarms: [] },
          {
            ...metric,
            alarms: [{ alarmName: 'root-usage-alarm', actionsEnabled: true, alarmActionCount: 1 }],
          },
        ],
      },
    };

    // Act
    const evaluation = judgeOne(evaluate, twice, {}, EVALUATE_CONTEXT);

    // Assess
    expect(evaluation?.complianceType).toBe('COMPLIANT');
    expect(evaluation?.annotation).toContain('feeds alarm root-usage-alarm');
  });
});
