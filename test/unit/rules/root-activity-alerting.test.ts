import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { compliant, MAX_ANNOTATION_LENGTH, nonCompliant, type RuleEvaluation } from '../../../lib/evaluation';
import { parseRuleParameters } from '../../../lib/parameters';
import type { EvaluateContext } from '../../../lib/rule-handler';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-activity-alerting/collect';
import {
  type EventBridgeRuleFacts,
  evaluate,
  type RootActivityAlertingParams,
} from '../../../rules/root-activity-alerting/evaluate';
import { handler } from '../../../rules/root-activity-alerting/handler';
import {
  rootApiCallEvent,
  rootReadOnlyApiCallEvent,
} from '../../../rules/root-activity-alerting/root-api-call-event';
import {
  rootConsoleSignInEvent,
  rootSignInRegion,
} from '../../../rules/root-activity-alerting/root-signin-event';
import { analyseRootUsageFilter } from '../../../rules/root-activity-alerting/root-usage-filter';
import ruleJson from '../../../rules/root-activity-alerting/rule.json';
import { MEMBER_ACCOUNT, REGION } from '../../helpers/constants';
import {
  ALERT_TOPIC_ARN,
  ALL_SIGN_INS_PATTERN,
  alarm,
  alarmedFilterFacts,
  alarmsFor,
  alertingFacts,
  CENTRAL_BUS_ARN,
  CIS_FILTER_WITH_ALARM,
  CIS_ROOT_USAGE_FILTER,
  CLOUDTRAIL_LOG_GROUP,
  describedMetricFilter,
  eventBridgeRule,
  forwardingRules,
  IAM_USER_SIGN_IN_PATTERN,
  MANY_REGIONS,
  MEMBER_LAMBDA_ARN,
  metricFilter,
  ORG_PARAMS,
  OTHER_REGIONS,
  ROOT_ONLY_FILTER,
  ROOT_PREFIX_PATTERN,
  ROOT_SIGN_IN_PATTERN,
  ROOT_USAGE_METRIC,
  ROOT_WRITE_CALL_PATTERN,
  SIGN_IN_REGION,
  UNSUPPORTED_PATTERN,
} from '../../helpers/root-activity-alerting';
import {
  EVALUATE_CONTEXT as CTX,
  collectContext,
  sdkError,
  sentEvaluation,
  useRuleHarness,
} from '../../helpers/rule-harness';
import { givenPages } from '../../helpers/sdk-pages';

const EVENTS_DIR = join(__dirname, '..', '..', 'events');
const readEvent = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));
const alertPatterns = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'alerts', 'root-activity', 'patterns.json'), 'utf8'),
) as Record<string, unknown>;

const rule = useRuleHarness(handler);
const eventBridgeMock = rule.mock(EventBridgeClient);
const logsMock = rule.mock(CloudWatchLogsClient);
const cloudWatchMock = rule.mock(CloudWatchClient);
const accountMock = rule.mock(AccountClient);

/** ListRegions' answer for an account with these Regions enabled. */
const enabled = (...regions: string[]) => ({
  Regions: regions.map((RegionName) => ({ RegionName, RegionOptStatus: 'ENABLED' as const })),
});

beforeEach(() => {
  accountMock.on(ListRegionsCommand).resolves(enabled(SIGN_IN_REGION));
  eventBridgeMock.on(ListRulesCommand).resolves({ Rules: [] });
  eventBridgeMock.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
  logsMock.on(DescribeMetricFiltersCommand).resolves({ metricFilters: [] });
  cloudWatchMock.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [] });
});

/** Org mode by default: CentralEventBusArn set, every target checked against it. */
const judge = (
  facts: ReturnType<typeof alertingFacts>,
  ctx: EvaluateContext = CTX,
  params: RootActivityAlertingParams = ORG_PARAMS,
) => evaluate(facts, params, ctx);
/** Single-account mode: no central bus, so only an account-local metric filter can pass. */
const judgeWithoutCentralBus = (facts: ReturnType<typeof alertingFacts>) => judge(facts, CTX, {});

/** The one evaluation of `judged` is `complianceType`, and its annotation says each of `says`. */
const expectVerdict = ([result]: RuleEvaluation[], complianceType: string, ...says: string[]) => {
  expect(result?.complianceType).toBe(complianceType);
  for (const part of says) expect(result?.annotation).toContain(part);
};

describe('root-activity-alerting', () => {
  describe('rule.json', () => {
    it('is valid rule metadata whose defaults parse to no MetricFilterRegion', () => {
      const metadata = loadRuleMetadata(ruleJson);
      expect(metadata.id).toBe('root-activity-alerting');
      expect(parseRuleParameters(metadata, {})).toEqual({
        MetricFilterRegion: undefined,
        ExecutionRoleName: undefined,
      });
    });

    it.each(['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5'])(
      'accepts %s as MetricFilterRegion',
      (r) => {
        expect(
          parseRuleParameters(loadRuleMetadata(ruleJson), { MetricFilterRegion: r }).MetricFilterRegion,
        ).toBe(r);
      },
    );

    it('rejects a MetricFilterRegion that is not a Region name', () => {
      expect(() =>
        parseRuleParameters(loadRuleMetadata(ruleJson), { MetricFilterRegion: 'Ireland' }),
      ).toThrow(/MetricFilterRegion/);
    });
  });

  describe('the sample root sign-in event', () => {
    it('is the real-shaped event of test/events/root-console-signin-success.json for that account', () => {
      expect(
        rootConsoleSignInEvent({ accountId: MEMBER_ACCOUNT, partition: 'aws', region: 'us-east-1' }),
      ).toEqual(readEvent('root-console-signin-success.json'));
    });

    it.each([
      ['a root API call', rootApiCallEvent, 'ap-southeast-2', 'root-api-call-ap-southeast-2.json'],
      ['a read-only root API call', rootReadOnlyApiCallEvent, 'eu-west-1', 'root-api-call-eu-west-1.json'],
    ])('judges rules against %s shaped as the test event of that Region', (_what, build, region, file) => {
      expect(build({ accountId: MEMBER_ACCOUNT, partition: 'aws', region })).toEqual(readEvent(file));
    });

    it('follows the partition and Region of the account', () => {
      const event = rootConsoleSignInEvent({
        accountId: MEMBER_ACCOUNT,
        partition: 'aws-cn',
        region: 'cn-north-1',
      });
      expect(event.region).toBe('cn-north-1');
      expect(event.detail.awsRegion).toBe('cn-north-1');
      expect(event.detail.userIdentity.arn).toBe(`arn:aws-cn:iam::${MEMBER_ACCOUNT}:root`);
      expect(event.detail.tlsDetails.clientProvidedHostHeader).toBe('signin.amazonaws.cn');
    });

    it.each([
      ['aws', 'us-east-1'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ] as const)('is recorded in the %s partition in %s', (partition, region) => {
      expect(rootSignInRegion(partition)).toBe(region);
    });
  });

  describe('evaluate', () => {
    describe('EventBridge rules, in one Region (the sign-in Region)', () => {
      /** The forwarding rule for root API calls, so that sign-in tests judge sign-ins alone. */
      const apiRule = () => eventBridgeRule('rootguard-root-api-call', alertPatterns.rootApiCall);

      it('returns COMPLIANT naming the rules that forward root API calls and root console sign-ins', () => {
        const facts = alertingFacts({ rules: forwardingRules(alertPatterns, SIGN_IN_REGION) });

        expect(judge(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            'EventBridge rules with targets forward root API calls, read-only included, in all 1 Region enabled in the account (e.g. rootguard-root-api-call), and rule rootguard-root-console-sign-in root console sign-ins in us-east-1 to the central bus',
          ),
        ]);
      });

      it('returns NON_COMPLIANT when the rule matching root sign-ins has no target', () => {
        const facts = alertingFacts({
          rules: [apiRule(), eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, { targetArns: [] })],
        });

        expect(judge(facts)).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root activity raises no alert in 1 of 1 Region: root sign-in rules have no target in us-east-1',
          ),
        ]);
      });

      it.each([
        {
          name: 'returns NON_COMPLIANT when the rule matching root sign-ins is DISABLED',
          signInRule: eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, { state: 'DISABLED' }),
          annotationContains: 'root sign-in rules are DISABLED in us-east-1',
        },
        {
          name: 'does not count a rule for IAM user sign-ins only',
          signInRule: eventBridgeRule('iam-user-signins', IAM_USER_SIGN_IN_PATTERN),
          annotationContains: 'no rule forwards root console sign-ins in us-east-1',
        },
      ])('$name', ({ signInRule, annotationContains }) => {
        const facts = alertingFacts({ rules: [apiRule(), signInRule] });

        expect(judge(facts)[0]?.annotation).toContain(annotationContains);
      });

      it.each([
        {
          name: 'counts a sign-in rule in state ENABLED: sign-ins are not read-only calls',
          signInRules: [eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, { state: 'ENABLED' })],
          expected: 'COMPLIANT',
        },
        {
          name: 'does not count a rule for root API calls as catching console sign-ins',
          signInRules: [],
          expected: 'NON_COMPLIANT',
        },
        {
          name: 'counts a broad pattern for every sign-in, because it matches a root sign-in when evaluated',
          signInRules: [eventBridgeRule('broad', ALL_SIGN_INS_PATTERN)],
          expected: 'COMPLIANT',
        },
        {
          name: 'counts a prefix pattern on userIdentity.type that no text comparison would recognise, because it matches a root sign-in when evaluated',
          signInRules: [eventBridgeRule('broad', ROOT_PREFIX_PATTERN)],
          expected: 'COMPLIANT',
        },
        {
          name: 'does not count a rule that only alerts on root sign-ins without MFA',
          signInRules: [
            eventBridgeRule('root-without-mfa', {
              'detail-type': ['AWS Console Sign In via CloudTrail'],
              detail: { userIdentity: { type: ['Root'] }, additionalEventData: { MFAUsed: ['No'] } },
            }),
          ],
          expected: 'NON_COMPLIANT',
        },
      ])('$name', ({ signInRules, expected }) => {
        const facts = alertingFacts({ rules: [apiRule(), ...signInRules] });

        expect(judge(facts)[0]?.complianceType).toBe(expected);
      });

      it('matches account and Region in the pattern against the evaluated account', () => {
        const pinned = { account: [MEMBER_ACCOUNT], region: ['us-east-1'], source: ['aws.signin'] };
        const facts = alertingFacts({ rules: [apiRule(), eventBridgeRule('pinned', pinned)] });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts, { ...CTX, accountId: '999999999999' })[0]?.complianceType).toBe('NON_COMPLIANT');
      });

      it('matches the partition of the account: an aws ARN pattern does not catch an aws-us-gov sign-in', () => {
        const byArn = { detail: { userIdentity: { arn: [`arn:aws:iam::${MEMBER_ACCOUNT}:root`] } } };
        const facts = (region: string) =>
          alertingFacts({ region, rules: [eventBridgeRule('by-arn', byArn, {}, region)] });

        expect(judge(facts('us-east-1'))[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts('us-gov-west-1'), { ...CTX, partition: 'aws-us-gov' })[0]?.complianceType).toBe(
          'NON_COMPLIANT',
        );
      });

      it('reports a rule whose pattern uses an operator the matcher does not support, and does not count it', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('future-operator', UNSUPPORTED_PATTERN)] });

        expectVerdict(
          judge(facts),
          'NON_COMPLIANT',
          'the pattern of rule future-operator in us-east-1 could not be evaluated ($.detail.u',
        );
      });

      it('reports a rule whose pattern is not JSON, and does not count it', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('broken', '{"source": [aws.signin]}')] });

        expectVerdict(
          judge(facts),
          'NON_COMPLIANT',
          'the pattern of rule broken in us-east-1 could not be evaluated (',
        );
      });

      it('is COMPLIANT when the forwarding rules alert even though another rule cannot be evaluated', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('future-operator', UNSUPPORTED_PATTERN),
            ...forwardingRules(alertPatterns, SIGN_IN_REGION),
          ],
        });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
      });
    });

    describe('EventBridge rules, in every Region', () => {
      const everywhere = (overrides: Record<string, EventBridgeRuleFacts[]> = {}) =>
        alertingFacts({
          rules: forwardingRules(alertPatterns, SIGN_IN_REGION),
          otherRegions: {
            ...Object.fromEntries(OTHER_REGIONS.map((r) => [r, forwardingRules(alertPatterns, r)])),
            ...overrides,
          },
        });

      it('returns COMPLIANT when every Region read forwards root API calls with all management events', () => {
        expect(judge(everywhere())[0]?.annotation).toBe(
          `Account ${MEMBER_ACCOUNT}: EventBridge rules with targets forward root API calls, read-only included, in all 3 Regions enabled in the account (e.g. rootguard-root-api-call), and rule rootguard-root-console-sign-in root console sign-ins in us-east-1 to the central bus.`,
        );
      });

      it('says the Regions came from ForwardingRegions when they did', () => {
        const facts = {
          ...everywhere(),
          eventBridge: { ...everywhere().eventBridge, regionsFrom: 'parameter' as const },
        };

        expect(judge(facts)[0]?.annotation).toContain('in all 3 Regions of ForwardingRegions');
      });

      it('returns NON_COMPLIANT naming a Region with no forwarding rule', () => {
        expect(judge(everywhere({ 'ap-southeast-2': [] }))).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root activity raises no alert in 1 of 3 Regions: no rule forwards root API calls in ap-southeast-2',
          ),
        ]);
      });

      it('names a Region whose rule is ENABLED but not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: it misses read-only calls', () => {
        const enabledOnly = forwardingRules(alertPatterns, 'eu-west-1', { state: 'ENABLED' });

        expect(judge(everywhere({ 'eu-west-1': enabledOnly }))[0]?.annotation).toBe(
          `Account ${MEMBER_ACCOUNT}: root activity raises no alert in 1 of 3 Regions: root API call rules are only ENABLED, so read-only calls are missed, in eu-west-1.`,
        );
      });

      it('names a Region whose only rule drops read-only calls by its pattern', () => {
        const writesOnly = [eventBridgeRule('root-writes', ROOT_WRITE_CALL_PATTERN, {}, 'eu-west-1')];

        expect(judge(everywhere({ 'eu-west-1': writesOnly }))[0]?.annotation).toContain(
          'root API call rule patterns skip read-only calls in eu-west-1',
        );
      });

      it('groups Regions by what they miss, sorted, and names each', () => {
        const facts = everywhere({
          'ap-southeast-2': [],
          'eu-west-1': forwardingRules(alertPatterns, 'eu-west-1', { targetArns: [] }),
        });

        expect(judge(facts)[0]?.annotation).toContain(
          'root activity raises no alert in 2 of 3 Regions: root API call rules have no target in eu-west-1; no rule forwards root API calls in ap-southeast-2',
        );
      });

      it('keeps the annotation within 256 characters however many Regions miss, naming them in order', () => {
        const missing = Object.fromEntries(MANY_REGIONS.map((r) => [r, []]));

        const [result] = judge(
          alertingFacts({ rules: forwardingRules(alertPatterns, SIGN_IN_REGION), otherRegions: missing }),
        );

        expect(result?.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
        expect(result?.annotation).toMatch(
          new RegExp(
            `^Account ${MEMBER_ACCOUNT}: root activity raises no alert in ${MANY_REGIONS.length} of ${MANY_REGIONS.length + 1} Regions: no rule forwards root API calls in af-south-1, ap-east-1, .* and \\d+ more\\.$`,
          ),
        );
      });
    });

    describe('CloudWatch Logs metric filters', () => {
      it('returns COMPLIANT naming the CIS metric filter and its alarm that has an action', () => {
        const facts = alarmedFilterFacts('RootAccountUsage', CIS_ROOT_USAGE_FILTER, 'RootAccountUsageAlarm');

        expect(judgeWithoutCentralBus(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            `metric filter RootAccountUsage (${CLOUDTRAIL_LOG_GROUP}, us-east-1) feeds alarm RootAccountUsageAlarm, which has an action; counted for every Region, as on a multi-Region trail's log group`,
          ),
        ]);
      });

      it.each([
        {
          name: 'recognises the CIS filter however it is spaced, parenthesised, quoted and ordered',
          filter: [
            'RootUsage',
            '{($.eventType!="AwsServiceEvent")&&(  $.userIdentity.invokedBy   NOT EXISTS)&&($.userIdentity.type=Root)}',
            'RootUsageAlarm',
          ],
          annotationContains: 'feeds alarm RootUsageAlarm, which has an action',
        },
        {
          name: 'names the one CIS exclusion a filter lacks',
          filter: [
            'RootNoInvoked',
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
            'RootAlarm',
          ],
          annotationContains:
            'the filter lacks the CIS exclusion eventType != AwsServiceEvent, so it is noisier',
        },
        {
          name: 'does not count a filter that combines conditions with ||',
          filter: [
            'RootOrAdmin',
            '{ $.userIdentity.type = "Root" || $.userIdentity.userName = "admin" }',
            'RootOrAdminAlarm',
          ],
          annotationContains: 'metric filter RootOrAdmin combines conditions with ||',
        },
      ] as const)('$name', ({ filter: [filterName, pattern, alarmName], annotationContains }) => {
        const facts = alarmedFilterFacts(filterName, pattern, alarmName);

        expect(judgeWithoutCentralBus(facts)[0]?.annotation).toContain(annotationContains);
      });

      it('counts a filter that only requires userIdentity.type Root, saying it is noisier than CIS', () => {
        const facts = alarmedFilterFacts('RootOnly', ROOT_ONLY_FILTER, 'RootOnlyAlarm');

        expect(judgeWithoutCentralBus(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            `metric filter RootOnly (${CLOUDTRAIL_LOG_GROUP}, us-east-1) feeds alarm RootOnlyAlarm; the filter lacks the CIS exclusions invokedBy NOT EXISTS and eventType != AwsServiceEvent, so it is noisier; counted for every Region, as on a multi-Region trail's log group`,
          ),
        ]);
      });

      it('names the CIS filter rather than a noisier one when both alert', () => {
        const cisMetric = { metricNamespace: 'CISBenchmark', metricName: 'RootUsageCis' };
        const facts = alertingFacts({
          metricFilters: [
            metricFilter('RootOnly', ROOT_ONLY_FILTER),
            metricFilter('RootCis', CIS_ROOT_USAGE_FILTER, cisMetric),
          ],
          alarmsByMetric: [
            alarmsFor(ROOT_USAGE_METRIC, [alarm('RootOnlyAlarm')]),
            alarmsFor(cisMetric, [alarm('RootCisAlarm')]),
          ],
        });

        expect(judgeWithoutCentralBus(facts)[0]?.annotation).toContain('metric filter RootCis');
      });

      it.each([
        ['actions disabled', { actionsEnabled: false }],
        ['no alarm actions', { alarmActionCount: 0 }],
      ])('returns NON_COMPLIANT when the alarm has %s', (_case, overrides) => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootAccountUsageAlarm', overrides)])],
        });

        expectVerdict(
          judgeWithoutCentralBus(facts),
          'NON_COMPLIANT',
          'metric filter RootAccountUsage has no alarm with an enabled action (RootAccountUsag',
        );
      });

      it.each([
        {
          name: 'returns NON_COMPLIANT when the CIS filter has no alarm',
          facts: alertingFacts({
            metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
            alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [])],
          }),
          says: 'root activity raises no alert in 1 of 1 Region: no rule forwards root console sign-ins in us-east-1; no rule forwards root API calls in us-east-1; metric filter RootAccountUsage has no alarm.',
        },
        {
          name: 'treats a filter whose metric was never looked up as having no alarm',
          facts: alertingFacts({ metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)] }),
          says: 'metric filter RootAccountUsage has no alarm',
        },
        {
          name: 'does not count an alarm on another metric',
          facts: alertingFacts({
            metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
            alarmsByMetric: [
              alarmsFor({ metricNamespace: 'Other', metricName: 'RootAccountUsage' }, [alarm('Elsewhere')]),
            ],
          }),
          says: 'metric filter RootAccountUsage has no alarm',
        },
        {
          name: 'does not count a filter that narrows root usage with other conditions, and names it',
          facts: alertingFacts({
            metricFilters: [
              metricFilter('RootDeletes', '{ $.userIdentity.type = "Root" && $.eventName = "DeleteBucket" }'),
            ],
            alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootDeletesAlarm')])],
          }),
          says: 'metric filter RootDeletes narrows root usage with $.eventName = "DeleteBucket"',
        },
        {
          name: 'ignores filters that are not about root',
          facts: alertingFacts({
            metricFilters: [metricFilter('Unauthorized', '{ ($.errorCode = "*UnauthorizedOperation") }')],
          }),
          says: 'no root-usage metric filter in us-east-1',
        },
        {
          name: 'names the Region it read the filters in',
          facts: alertingFacts({ metricFilterRegion: 'eu-west-1' }),
          says: 'no root-usage metric filter in eu-west-1',
        },
      ])('$name', ({ facts, says }) => {
        expectVerdict(judgeWithoutCentralBus(facts), 'NON_COMPLIANT', says);
      });
    });

    describe('targets (issue 11, part 4: the alert path cannot be switched off unseen)', () => {
      const signInRule = () =>
        eventBridgeRule('rootguard-root-console-sign-in', alertPatterns.rootConsoleSignIn);

      it.each([
        {
          // The attacker deleted the API-call rule and left an alarm only they can see.
          name: 'returns NON_COMPLIANT when only the sign-in rule is left, even beside a local CIS metric filter',
          facts: () => alertingFacts({ rules: [signInRule()], ...CIS_FILTER_WITH_ALARM }),
          says: [
            'no rule forwards root API calls in us-east-1',
            'metric filter RootAccountUsage alarms inside the account only',
          ],
        },
        {
          name: 'returns NON_COMPLIANT naming the rule and the wrong target when the API-call rule targets a Lambda in the member',
          facts: () =>
            alertingFacts({
              rules: [
                signInRule(),
                eventBridgeRule('rootguard-root-api-call', alertPatterns.rootApiCall, {
                  targetArns: [MEMBER_LAMBDA_ARN],
                }),
              ],
            }),
          says: [
            'root API call rules do not target the central bus in us-east-1',
            `rootguard-root-api-call in us-east-1 targets ${MEMBER_LAMBDA_ARN}`,
          ],
        },
        {
          name: 'returns NON_COMPLIANT when the sign-in rule was retargeted away from the central bus',
          facts: () =>
            alertingFacts({
              rules: forwardingRules(alertPatterns, SIGN_IN_REGION, { targetArns: [MEMBER_LAMBDA_ARN] }).map(
                (rule) =>
                  rule.name === 'rootguard-root-api-call' ? { ...rule, targetArns: [CENTRAL_BUS_ARN] } : rule,
              ),
            }),
          says: ['root sign-in rules do not target the central bus in us-east-1'],
        },
      ])('$name', ({ facts, says }) => {
        expectVerdict(judge(facts()), 'NON_COMPLIANT', ...says);
      });

      it('returns COMPLIANT when both rules target the central bus, beside other targets', () => {
        const facts = alertingFacts({
          rules: [
            signInRule(),
            eventBridgeRule('rootguard-root-api-call', alertPatterns.rootApiCall, {
              targetArns: [MEMBER_LAMBDA_ARN, CENTRAL_BUS_ARN],
            }),
          ],
        });

        expectVerdict(judge(facts), 'COMPLIANT', 'to the central bus');
      });

      it('does not pass when CentralEventBusArn is blank: the targets could not be checked', () => {
        const facts = alertingFacts({ rules: forwardingRules(alertPatterns, SIGN_IN_REGION) });

        expectVerdict(
          judgeWithoutCentralBus(facts),
          'NON_COMPLIANT',
          'CentralEventBusArn is not set, so the targets of the forwarding rules (e.g. rootguard-root-api-call) could not be checked against the central bus',
        );
      });

      it('takes CentralEventBusArn as an event bus ARN parameter, blank by default', () => {
        const metadata = loadRuleMetadata(ruleJson);
        expect(
          parseRuleParameters(metadata, { CentralEventBusArn: CENTRAL_BUS_ARN }).CentralEventBusArn,
        ).toBe(CENTRAL_BUS_ARN);
        expect(() => parseRuleParameters(metadata, { CentralEventBusArn: MEMBER_LAMBDA_ARN })).toThrow(
          /CentralEventBusArn/,
        );
      });
    });

    describe('both mechanisms', () => {
      it('names the EventBridge rules and also the metric filter when both alert', () => {
        const facts = alertingFacts({
          rules: forwardingRules(alertPatterns, SIGN_IN_REGION),
          ...CIS_FILTER_WITH_ALARM,
        });

        expectVerdict(
          judge(facts),
          'COMPLIANT',
          '(e.g. rootguard-root-api-call)',
          'also metric filter RootAccountUsage',
        );
      });

      it('is COMPLIANT through the CIS metric filter even when Regions lack forwarding rules, without a central bus', () => {
        const facts = alertingFacts({
          otherRegions: { 'ap-southeast-2': [] },
          ...CIS_FILTER_WITH_ALARM,
        });

        expectVerdict(
          judgeWithoutCentralBus(facts),
          'COMPLIANT',
          "counted for every Region, as on a multi-Region trail's log group",
        );
      });

      it('returns NON_COMPLIANT when there is nothing at all', () => {
        expect(judge(alertingFacts())).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root activity raises no alert in 1 of 1 Region: no rule forwards root console sign-ins in us-east-1; no rule forwards root API calls in us-east-1',
          ),
        ]);
      });

      it('keeps other findings after the Regions, within 256 characters', () => {
        const facts = alertingFacts({
          rules: [
            ...forwardingRules(alertPatterns, SIGN_IN_REGION, { targetArns: [] }),
            ...['a', 'b', 'c'].map((name) => eventBridgeRule(name, UNSUPPORTED_PATTERN)),
          ],
        });

        const annotation = judge(facts)[0]?.annotation ?? '';
        expect(annotation).toMatch(
          /^Account 222222222222: root activity raises no alert in 1 of 1 Region: root sign-in rules have no target in us-east-1; root API call rules have no target in us-east-1; the pattern of rule a in us-east-1 could not be evaluated \(.*\.$/,
        );
        expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
      });
    });
  });

  describe('analyseRootUsageFilter', () => {
    it('recognises the CIS filter', () => {
      expect(analyseRootUsageFilter(CIS_ROOT_USAGE_FILTER)).toEqual({
        requiresRoot: true,
        excludesInvokedBy: true,
        excludesServiceEvents: true,
        usesOr: false,
        otherConditions: [],
      });
    });

    it('keeps values case-sensitive, as CloudWatch Logs does', () => {
      expect(analyseRootUsageFilter('{ $.userIdentity.type = "root" }')?.requiresRoot).toBe(false);
    });

    it('does not split at && inside a quoted value', () => {
      expect(
        analyseRootUsageFilter('{ $.userIdentity.type = "Root" && $.eventName = "a && b" }'),
      ).toMatchObject({
        requiresRoot: true,
        otherConditions: ['$.eventName = "a && b"'],
      });
    });

    it('returns undefined for a text (non-JSON) filter pattern', () => {
      expect(analyseRootUsageFilter('"Root" ConsoleLogin')).toBeUndefined();
    });
  });

  describe('collect', () => {
    const context = (
      params: RootActivityAlertingParams = {},
      partition: EvaluateContext['partition'] = 'aws',
    ) => collectContext(params, { partition });

    const regionOf = async (client: unknown) =>
      (client as { config: { region: () => Promise<string> } }).config.region();
    /** The Regions of the first ListRules, DescribeMetricFilters and (when asked) DescribeAlarmsForMetric. */
    const regionsRead = () =>
      Promise.all(
        [
          eventBridgeMock.commandCalls(ListRulesCommand)[0],
          logsMock.commandCalls(DescribeMetricFiltersCommand)[0],
          cloudWatchMock.commandCalls(DescribeAlarmsForMetricCommand)[0],
        ]
          .filter((call) => call !== undefined)
          .map((call) => regionOf(call.thisValue)),
      );

    const accessDenied = () =>
      sdkError('AccessDeniedException', 'User is not authorized to perform: events:ListRules');

    it('reads every ListRules page and counts targets over every ListTargetsByRule page', async () => {
      givenPages(eventBridgeMock, ListRulesCommand, { in: 'NextToken', out: 'NextToken', items: 'Rules' }, [
        [
          {
            Name: 'root-signin-alert',
            Arn: 'arn:aws:events:us-east-1:222222222222:rule/root-signin-alert',
            State: 'ENABLED',
            EventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN),
          },
          { Name: 'nightly', State: 'ENABLED', ScheduleExpression: 'rate(1 day)' },
        ],
        [
          {
            Name: 'all-signins',
            Arn: 'arn:aws:events:us-east-1:222222222222:rule/all-signins',
            State: 'DISABLED',
            EventPattern: JSON.stringify(ALL_SIGN_INS_PATTERN),
          },
        ],
      ]);
      givenPages(
        eventBridgeMock,
        ListTargetsByRuleCommand,
        { in: 'NextToken', out: 'NextToken', items: 'Targets' },
        [[{ Id: '1', Arn: ALERT_TOPIC_ARN }], [{ Id: '2', Arn: ALERT_TOPIC_ARN }]],
        { Rule: 'root-signin-alert' },
      );

      const facts = await collect(context());

      expect(facts.eventBridge).toEqual({
        signInRegion: 'us-east-1',
        regionsFrom: 'enabled-regions',
        regions: [
          {
            region: 'us-east-1',
            rules: [
              {
                name: 'root-signin-alert',
                arn: 'arn:aws:events:us-east-1:222222222222:rule/root-signin-alert',
                state: 'ENABLED',
                eventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN),
                targetArns: [ALERT_TOPIC_ARN, ALERT_TOPIC_ARN],
              },
              {
                name: 'all-signins',
                arn: 'arn:aws:events:us-east-1:222222222222:rule/all-signins',
                state: 'DISABLED',
                eventPattern: JSON.stringify(ALL_SIGN_INS_PATTERN),
                targetArns: [],
              },
            ],
          },
        ],
      });
      expect(eventBridgeMock).toHaveReceivedCommandTimes(ListRulesCommand, 2);
      // The schedule-only rule is never asked about.
      expect(eventBridgeMock).not.toHaveReceivedCommandWith(ListTargetsByRuleCommand, { Rule: 'nightly' });
    });

    it('reads every DescribeMetricFilters page and asks for alarms only on root-related metrics', async () => {
      givenPages(
        logsMock,
        DescribeMetricFiltersCommand,
        { in: 'nextToken', out: 'nextToken', items: 'metricFilters' },
        [
          [describedMetricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          [
            describedMetricFilter('Unauthorized', '{ $.errorCode = "AccessDenied" }', {
              metricNamespace: 'CISBenchmark',
              metricName: 'Unauthorized',
            }),
          ],
        ],
      );
      cloudWatchMock.on(DescribeAlarmsForMetricCommand, { MetricName: 'RootAccountUsage' }).resolves({
        MetricAlarms: [
          { AlarmName: 'RootAccountUsageAlarm', ActionsEnabled: true, AlarmActions: [ALERT_TOPIC_ARN] },
          { AlarmName: 'Muted', ActionsEnabled: false },
        ],
      });

      const facts = await collect(context());

      expect(facts.cloudWatch).toEqual({
        region: 'us-east-1',
        metricFilters: [
          metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER),
          metricFilter('Unauthorized', '{ $.errorCode = "AccessDenied" }', {
            metricNamespace: 'CISBenchmark',
            metricName: 'Unauthorized',
          }),
        ],
        alarmsByMetric: [
          alarmsFor(ROOT_USAGE_METRIC, [
            alarm('RootAccountUsageAlarm'),
            alarm('Muted', { actionsEnabled: false, alarmActionCount: 0 }),
          ]),
        ],
      });
      expect(logsMock).toHaveReceivedCommandTimes(DescribeMetricFiltersCommand, 2);
      expect(cloudWatchMock).toHaveReceivedCommandTimes(DescribeAlarmsForMetricCommand, 1);
      expect(cloudWatchMock).toHaveReceivedCommandWith(DescribeAlarmsForMetricCommand, {
        Namespace: 'CISBenchmark',
        MetricName: 'RootAccountUsage',
      });
    });

    it('reads EventBridge, CloudWatch Logs and CloudWatch in us-east-1 even when the rule runs in eu-west-1', async () => {
      logsMock
        .on(DescribeMetricFiltersCommand)
        .resolves({ metricFilters: [describedMetricFilter('RootOnly', ROOT_ONLY_FILTER)] });

      const facts = await collect(context());

      expect(REGION).toBe('eu-west-1');
      expect(facts.eventBridge.signInRegion).toBe('us-east-1');
      expect(facts.cloudWatch.region).toBe('us-east-1');
      await expect(regionsRead()).resolves.toEqual(['us-east-1', 'us-east-1', 'us-east-1']);
    });

    it('reads metric filters and alarms in MetricFilterRegion, and EventBridge still in us-east-1', async () => {
      const facts = await collect(context({ MetricFilterRegion: 'eu-central-1' }));

      expect(facts.eventBridge.signInRegion).toBe('us-east-1');
      expect(facts.cloudWatch.region).toBe('eu-central-1');
      // No root-usage filter there, so no alarm is asked for.
      await expect(regionsRead()).resolves.toEqual(['us-east-1', 'eu-central-1']);
    });

    it.each([
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ] as const)('reads the %s partition in %s', async (partition, region) => {
      accountMock.on(ListRegionsCommand).resolves(enabled(region));
      const facts = await collect(context({}, partition));

      expect(facts.eventBridge.signInRegion).toBe(region);
      await expect(regionOf(eventBridgeMock.commandCalls(ListRulesCommand)[0]?.thisValue)).resolves.toBe(
        region,
      );
    });

    it('reads the default bus of every Region enabled in the account, over every ListRegions page, in that Region', async () => {
      accountMock
        .on(ListRegionsCommand, { NextToken: undefined })
        .resolves({ ...enabled('us-east-1', 'eu-west-1'), NextToken: 'regions-page-2' })
        .on(ListRegionsCommand, { NextToken: 'regions-page-2' })
        .resolves(enabled('ap-southeast-2'));

      const facts = await collect(context());

      expect(facts.eventBridge.regions.map((r) => r.region)).toEqual([
        'ap-southeast-2',
        'eu-west-1',
        'us-east-1',
      ]);
      expect(accountMock).toHaveReceivedCommandWith(ListRegionsCommand, {
        RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
      });
      const asked = await Promise.all(
        eventBridgeMock.commandCalls(ListRulesCommand).map((call) => regionOf(call.thisValue)),
      );
      expect(asked.sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    });

    it('reads the Regions of ForwardingRegions, and the sign-in Region, without asking ListRegions', async () => {
      const facts = await collect(context({ ForwardingRegions: ['eu-west-1', 'ap-southeast-2'] }));

      expect(facts.eventBridge).toMatchObject({ signInRegion: 'us-east-1', regionsFrom: 'parameter' });
      expect(facts.eventBridge.regions.map((r) => r.region)).toEqual([
        'ap-southeast-2',
        'eu-west-1',
        'us-east-1',
      ]);
      expect(accountMock).not.toHaveReceivedCommand(ListRegionsCommand);
    });

    it('turns a denied ListRegions into an AccessDeniedError naming account:ListRegions', async () => {
      accountMock.on(ListRegionsCommand).rejects(accessDenied());

      const failure = collect(context());
      await expect(failure).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(failure).rejects.toMatchObject({
        action: 'account:ListRegions',
        accountId: MEMBER_ACCOUNT,
      });
    });

    it('refuses a page token handed back twice instead of looping', async () => {
      eventBridgeMock.on(ListRulesCommand).resolves({ Rules: [], NextToken: 'same' });

      await expect(collect(context())).rejects.toThrow(
        new CollectError(`events:ListRules in account ${MEMBER_ACCOUNT} returned the same page token twice`, {
          action: 'events:ListRules',
        }),
      );
    });

    it('turns AccessDenied into an AccessDeniedError naming the action', async () => {
      eventBridgeMock.on(ListRulesCommand).rejects(accessDenied());

      const failure = collect(context());
      await expect(failure).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(failure).rejects.toMatchObject({ action: 'events:ListRules', accountId: MEMBER_ACCOUNT });
    });
  });

  describe('handler', () => {
    const invocation = { ruleParameters: { CentralEventBusArn: CENTRAL_BUS_ARN } };

    beforeEach(() => {
      eventBridgeMock.on(ListRulesCommand).resolves({
        Rules: [
          { Name: 'root-signin-alert', State: 'ENABLED', EventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN) },
          {
            Name: 'rootguard-root-api-call',
            State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
            EventPattern: JSON.stringify(alertPatterns.rootApiCall),
          },
        ],
      });
      eventBridgeMock.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: '1', Arn: CENTRAL_BUS_ARN }] });
    });

    it('sends COMPLIANT to Config for an account whose root sign-ins and API calls reach the central bus', async () => {
      const { result, sent } = await rule.invoke(invocation);

      expect(result.evaluations[0]?.complianceType).toBe('COMPLIANT');
      expect(sent).toEqual([sentEvaluation('COMPLIANT', expect.stringMatching(/^Account /))]);
    });

    it.each([
      ['account:ListRegions', () => accountMock.on(ListRegionsCommand)],
      ['logs:DescribeMetricFilters', () => logsMock.on(DescribeMetricFiltersCommand)],
    ] as const)(
      'sends NON_COMPLIANT "could not be evaluated", never COMPLIANT, and rejects with AccessDeniedError when %s is denied',
      async (action, call) => {
        call().rejects(sdkError('AccessDeniedException', `not authorized to perform ${action}`));

        const { error, sent } = await rule.invokeRejected(invocation);

        expect(error).toBeInstanceOf(AccessDeniedError);
        expect(sent).toEqual([
          expect.objectContaining({
            ComplianceResourceId: MEMBER_ACCOUNT,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: expect.stringContaining(`could not be evaluated, Access denied calling ${action}`),
          }),
        ]);
      },
    );
  });
});
