import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeMetricFiltersCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../../lib/clients';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { compliant, nonCompliant } from '../../../lib/evaluation';
import { parseRuleParameters } from '../../../lib/parameters';
import type { CollectContext, EvaluateContext } from '../../../lib/rule-handler';
import { loadRuleMetadata } from '../../../lib/rule-metadata';
import { collect } from '../../../rules/root-activity-alerting/collect';
import { evaluate, type RootActivityAlertingParams } from '../../../rules/root-activity-alerting/evaluate';
import { handler } from '../../../rules/root-activity-alerting/handler';
import {
  rootConsoleSignInEvent,
  rootSignInRegion,
} from '../../../rules/root-activity-alerting/root-signin-event';
import { analyseRootUsageFilter } from '../../../rules/root-activity-alerting/root-usage-filter';
import ruleJson from '../../../rules/root-activity-alerting/rule.json';
import { scheduledEvent } from '../../helpers/config-events';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION } from '../../helpers/constants';
import { unusedOrgSnapshot, useOrgSnapshot } from '../../helpers/org-snapshot';
import {
  ALERT_TOPIC_ARN,
  ALL_SIGN_INS_PATTERN,
  alarm,
  alarmsFor,
  alertingFacts,
  CIS_ROOT_USAGE_FILTER,
  CLOUDTRAIL_LOG_GROUP,
  eventBridgeRule,
  IAM_USER_SIGN_IN_PATTERN,
  metricFilter,
  ROOT_API_CALL_PATTERN,
  ROOT_ONLY_FILTER,
  ROOT_PREFIX_PATTERN,
  ROOT_SIGN_IN_PATTERN,
  ROOT_USAGE_METRIC,
  UNSUPPORTED_PATTERN,
} from '../../helpers/root-activity-alerting';

const CTX: EvaluateContext = {
  accountId: MEMBER_ACCOUNT,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
};
const EVENTS_DIR = join(__dirname, '..', '..', 'events');
const readEvent = (name: string): unknown => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8'));
const alertPatterns = JSON.parse(
  readFileSync(join(__dirname, '..', '..', '..', 'alerts', 'root-activity', 'patterns.json'), 'utf8'),
) as Record<string, unknown>;

const eventBridgeMock = mockClient(EventBridgeClient);
const logsMock = mockClient(CloudWatchLogsClient);
const cloudWatchMock = mockClient(CloudWatchClient);
const configMock = mockClient(ConfigServiceClient);
useOrgSnapshot({ members: [MEMBER_ACCOUNT] });

beforeEach(() => {
  for (const mock of [eventBridgeMock, logsMock, cloudWatchMock, configMock]) mock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  eventBridgeMock.on(ListRulesCommand).resolves({ Rules: [] });
  eventBridgeMock.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
  logsMock.on(DescribeMetricFiltersCommand).resolves({ metricFilters: [] });
  cloudWatchMock.on(DescribeAlarmsForMetricCommand).resolves({ MetricAlarms: [] });
});

const judge = (facts: ReturnType<typeof alertingFacts>, ctx: EvaluateContext = CTX) =>
  evaluate(facts, {}, ctx);

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
    describe('EventBridge rules', () => {
      it('returns COMPLIANT naming an enabled rule that matches root sign-ins and has a target', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN)] });

        expect(judge(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            'EventBridge rule root-signin-alert in us-east-1 matches root console sign-ins and has 1 target',
          ),
        ]);
      });

      it('counts the StackSet forwarding pattern of alerts/root-activity/patterns.json', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('rootguard-forward-root-sign-in', alertPatterns.rootConsoleSignIn, {
              targetCount: 2,
            }),
          ],
        });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts)[0]?.annotation).toContain('rootguard-forward-root-sign-in');
        expect(judge(facts)[0]?.annotation).toContain('2 targets');
      });

      it('counts a rule in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS state', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, {
              state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
            }),
          ],
        });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
      });

      it('returns NON_COMPLIANT when the matching rule has no target', () => {
        const facts = alertingFacts({
          rules: [eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, { targetCount: 0 })],
        });

        expect(judge(facts)).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root console sign-ins raise no alert: rule root-signin-alert matches root sign-ins but has no target; no root-usage metric filter in us-east-1',
          ),
        ]);
      });

      it('returns NON_COMPLIANT when the matching rule is DISABLED', () => {
        const facts = alertingFacts({
          rules: [eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN, { state: 'DISABLED' })],
        });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('NON_COMPLIANT');
        expect(result?.annotation).toContain('rule root-signin-alert matches root sign-ins but is DISABLED');
      });

      it('does not count a rule for IAM user sign-ins only', () => {
        const facts = alertingFacts({
          rules: [eventBridgeRule('iam-user-signins', IAM_USER_SIGN_IN_PATTERN)],
        });

        expect(judge(facts)).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root console sign-ins raise no alert: no EventBridge rule in us-east-1 matches a root console sign-in; no root-usage metric filter in us-east-1',
          ),
        ]);
      });

      it('does not count a rule for root API calls, which never sees a console sign-in', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('root-api-calls', ROOT_API_CALL_PATTERN)] });

        expect(judge(facts)[0]?.complianceType).toBe('NON_COMPLIANT');
      });

      it('counts a broad pattern for every sign-in, because it matches a root sign-in when evaluated', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('all-signins', ALL_SIGN_INS_PATTERN)] });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts)[0]?.annotation).toContain('EventBridge rule all-signins');
      });

      it('counts a prefix pattern on userIdentity.type that no text comparison would recognise', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('root-by-prefix', ROOT_PREFIX_PATTERN)] });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
      });

      it('does not count a rule that only alerts on root sign-ins without MFA', () => {
        const noMfaOnly = {
          'detail-type': ['AWS Console Sign In via CloudTrail'],
          detail: { userIdentity: { type: ['Root'] }, additionalEventData: { MFAUsed: ['No'] } },
        };
        const facts = alertingFacts({ rules: [eventBridgeRule('root-without-mfa', noMfaOnly)] });

        expect(judge(facts)[0]?.complianceType).toBe('NON_COMPLIANT');
      });

      it('matches account and Region in the pattern against the evaluated account', () => {
        const pinned = { account: [MEMBER_ACCOUNT], region: ['us-east-1'], source: ['aws.signin'] };
        const facts = alertingFacts({ rules: [eventBridgeRule('pinned', pinned)] });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts, { ...CTX, accountId: '999999999999' })[0]?.complianceType).toBe('NON_COMPLIANT');
      });

      it('matches the partition of the account: an aws ARN pattern does not catch an aws-us-gov sign-in', () => {
        const byArn = { detail: { userIdentity: { arn: [`arn:aws:iam::${MEMBER_ACCOUNT}:root`] } } };
        const facts = (region: string) =>
          alertingFacts({ region, rules: [eventBridgeRule('by-arn', byArn)] });

        expect(judge(facts('us-east-1'))[0]?.complianceType).toBe('COMPLIANT');
        expect(judge(facts('us-gov-west-1'), { ...CTX, partition: 'aws-us-gov' })[0]?.complianceType).toBe(
          'NON_COMPLIANT',
        );
      });

      it('reports a rule whose pattern uses an operator the matcher does not support, and does not count it', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('future-operator', UNSUPPORTED_PATTERN)] });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('NON_COMPLIANT');
        expect(result?.annotation).toContain(
          'the pattern of rule future-operator could not be evaluated ($.detail.userIdentity.type: unsupported pattern operator',
        );
      });

      it('reports a rule whose pattern is not JSON, and does not count it', () => {
        const facts = alertingFacts({ rules: [eventBridgeRule('broken', '{"source": [aws.signin]}')] });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('NON_COMPLIANT');
        expect(result?.annotation).toContain('the pattern of rule broken could not be evaluated (');
      });

      it('is COMPLIANT when one rule alerts even though another cannot be evaluated', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('future-operator', UNSUPPORTED_PATTERN),
            eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN),
          ],
        });

        expect(judge(facts)[0]?.complianceType).toBe('COMPLIANT');
      });

      it('names the first alerting rule and counts the others', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN),
            eventBridgeRule('all-signins', ALL_SIGN_INS_PATTERN, { targetCount: 3 }),
          ],
        });

        expect(judge(facts)[0]?.annotation).toBe(
          `Account ${MEMBER_ACCOUNT}: EventBridge rule root-signin-alert in us-east-1 matches root console sign-ins and has 1 target (and 1 more).`,
        );
      });

      it('does not name disabled or non-matching rules when an alerting rule exists', () => {
        const facts = alertingFacts({
          rules: [
            eventBridgeRule('old-root-alert', ROOT_SIGN_IN_PATTERN, { state: 'DISABLED' }),
            eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN),
          ],
        });

        expect(judge(facts)[0]?.annotation).not.toContain('old-root-alert');
      });
    });

    describe('CloudWatch Logs metric filters', () => {
      it('returns COMPLIANT naming the CIS metric filter and its alarm that has an action', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootAccountUsageAlarm')])],
        });

        expect(judge(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            `metric filter RootAccountUsage (${CLOUDTRAIL_LOG_GROUP}, us-east-1) feeds alarm RootAccountUsageAlarm, which has an action`,
          ),
        ]);
      });

      it('recognises the CIS filter however it is spaced, parenthesised, quoted and ordered', () => {
        const rewritten =
          '{($.eventType!="AwsServiceEvent")&&(  $.userIdentity.invokedBy   NOT EXISTS)&&($.userIdentity.type=Root)}';
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootUsage', rewritten)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootUsageAlarm')])],
        });

        expect(judge(facts)[0]?.annotation).toContain('feeds alarm RootUsageAlarm, which has an action');
      });

      it('counts a filter that only requires userIdentity.type Root, saying it is noisier than CIS', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootOnly', ROOT_ONLY_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootOnlyAlarm')])],
        });

        expect(judge(facts)).toEqual([
          compliant(
            MEMBER_ACCOUNT,
            `metric filter RootOnly (${CLOUDTRAIL_LOG_GROUP}, us-east-1) feeds alarm RootOnlyAlarm; the filter lacks the CIS exclusions invokedBy NOT EXISTS and eventType != AwsServiceEvent, so it is noisier`,
          ),
        ]);
      });

      it('names the one CIS exclusion a filter lacks', () => {
        const facts = alertingFacts({
          metricFilters: [
            metricFilter(
              'RootNoInvoked',
              '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
            ),
          ],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootAlarm')])],
        });

        expect(judge(facts)[0]?.annotation).toContain(
          'the filter lacks the CIS exclusion eventType != AwsServiceEvent, so it is noisier',
        );
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

        expect(judge(facts)[0]?.annotation).toContain('metric filter RootCis');
      });

      it('returns NON_COMPLIANT when the CIS filter has no alarm', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [])],
        });

        expect(judge(facts)).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root console sign-ins raise no alert: no EventBridge rule in us-east-1 matches a root console sign-in; metric filter RootAccountUsage has no alarm',
          ),
        ]);
      });

      it('treats a filter whose metric was never looked up as having no alarm', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
        });

        expect(judge(facts)[0]?.annotation).toContain('metric filter RootAccountUsage has no alarm');
      });

      it.each([
        ['actions disabled', { actionsEnabled: false }],
        ['no alarm actions', { alarmActionCount: 0 }],
      ])('returns NON_COMPLIANT when the alarm has %s', (_case, overrides) => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootAccountUsageAlarm', overrides)])],
        });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('NON_COMPLIANT');
        expect(result?.annotation).toContain(
          'metric filter RootAccountUsage has no alarm with an enabled action (RootAccountUsageAlarm)',
        );
      });

      it('does not count an alarm on another metric', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [
            alarmsFor({ metricNamespace: 'Other', metricName: 'RootAccountUsage' }, [alarm('Elsewhere')]),
          ],
        });

        expect(judge(facts)[0]?.complianceType).toBe('NON_COMPLIANT');
      });

      it('does not count a filter that narrows root usage with other conditions, and names it', () => {
        const facts = alertingFacts({
          metricFilters: [
            metricFilter('RootDeletes', '{ $.userIdentity.type = "Root" && $.eventName = "DeleteBucket" }'),
          ],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootDeletesAlarm')])],
        });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('NON_COMPLIANT');
        expect(result?.annotation).toContain(
          'metric filter RootDeletes narrows root usage with $.eventName = "DeleteBucket"',
        );
      });

      it('does not count a filter that combines conditions with ||', () => {
        const facts = alertingFacts({
          metricFilters: [
            metricFilter(
              'RootOrAdmin',
              '{ $.userIdentity.type = "Root" || $.userIdentity.userName = "admin" }',
            ),
          ],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootOrAdminAlarm')])],
        });

        expect(judge(facts)[0]?.annotation).toContain(
          'metric filter RootOrAdmin combines conditions with ||',
        );
      });

      it('ignores filters that are not about root', () => {
        const facts = alertingFacts({
          metricFilters: [metricFilter('Unauthorized', '{ ($.errorCode = "*UnauthorizedOperation") }')],
        });

        expect(judge(facts)[0]?.annotation).toContain('no root-usage metric filter in us-east-1');
      });

      it('names the Region it read the filters in', () => {
        const facts = alertingFacts({ metricFilterRegion: 'eu-west-1' });

        expect(judge(facts)[0]?.annotation).toContain('no root-usage metric filter in eu-west-1');
      });
    });

    describe('both mechanisms', () => {
      it('names the EventBridge rule and also the metric filter when both alert', () => {
        const facts = alertingFacts({
          rules: [eventBridgeRule('root-signin-alert', ROOT_SIGN_IN_PATTERN)],
          metricFilters: [metricFilter('RootAccountUsage', CIS_ROOT_USAGE_FILTER)],
          alarmsByMetric: [alarmsFor(ROOT_USAGE_METRIC, [alarm('RootAccountUsageAlarm')])],
        });

        const [result] = judge(facts);
        expect(result?.complianceType).toBe('COMPLIANT');
        expect(result?.annotation).toContain('EventBridge rule root-signin-alert');
        expect(result?.annotation).toContain('also metric filter RootAccountUsage');
      });

      it('returns NON_COMPLIANT when there is nothing at all', () => {
        expect(judge(alertingFacts())).toEqual([
          nonCompliant(
            MEMBER_ACCOUNT,
            'root console sign-ins raise no alert: no EventBridge rule in us-east-1 matches a root console sign-in; no root-usage metric filter in us-east-1',
          ),
        ]);
      });

      it('spells out three findings and counts the rest', () => {
        const facts = alertingFacts({
          rules: ['a', 'b', 'c', 'd'].map((name) =>
            eventBridgeRule(name, ROOT_SIGN_IN_PATTERN, { targetCount: 0 }),
          ),
        });

        expect(judge(facts)[0]?.annotation).toBe(
          `Account ${MEMBER_ACCOUNT}: root console sign-ins raise no alert: rule a matches root sign-ins but has no target; rule b matches root sign-ins but has no target; rule c matches root sign-ins but has no target; and 2 more.`,
        );
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
    ): CollectContext<RootActivityAlertingParams> => ({
      ...CTX,
      partition,
      region: REGION,
      params,
      clients: new ClientFactory({ region: REGION }),
      accountCredentials: undefined,
      orgSnapshot: unusedOrgSnapshot,
    });

    const regionOf = async (client: unknown) =>
      (client as { config: { region: () => Promise<string> } }).config.region();

    const accessDenied = () =>
      Object.assign(new Error('User is not authorized to perform: events:ListRules'), {
        name: 'AccessDeniedException',
      });

    it('reads every ListRules page and counts targets over every ListTargetsByRule page', async () => {
      eventBridgeMock
        .on(ListRulesCommand, { NextToken: undefined })
        .resolves({
          Rules: [
            {
              Name: 'root-signin-alert',
              Arn: 'arn:aws:events:us-east-1:222222222222:rule/root-signin-alert',
              State: 'ENABLED',
              EventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN),
            },
            { Name: 'nightly', State: 'ENABLED', ScheduleExpression: 'rate(1 day)' },
          ],
          NextToken: 'rules-page-2',
        })
        .on(ListRulesCommand, { NextToken: 'rules-page-2' })
        .resolves({
          Rules: [
            {
              Name: 'all-signins',
              Arn: 'arn:aws:events:us-east-1:222222222222:rule/all-signins',
              State: 'DISABLED',
              EventPattern: JSON.stringify(ALL_SIGN_INS_PATTERN),
            },
          ],
        });
      eventBridgeMock
        .on(ListTargetsByRuleCommand, { Rule: 'root-signin-alert', NextToken: undefined })
        .resolves({ Targets: [{ Id: '1', Arn: ALERT_TOPIC_ARN }], NextToken: 'targets-page-2' })
        .on(ListTargetsByRuleCommand, { Rule: 'root-signin-alert', NextToken: 'targets-page-2' })
        .resolves({ Targets: [{ Id: '2', Arn: ALERT_TOPIC_ARN }] });

      const facts = await collect(context());

      expect(facts.eventBridge).toEqual({
        region: 'us-east-1',
        rules: [
          {
            name: 'root-signin-alert',
            arn: 'arn:aws:events:us-east-1:222222222222:rule/root-signin-alert',
            state: 'ENABLED',
            eventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN),
            targetCount: 2,
          },
          {
            name: 'all-signins',
            arn: 'arn:aws:events:us-east-1:222222222222:rule/all-signins',
            state: 'DISABLED',
            eventPattern: JSON.stringify(ALL_SIGN_INS_PATTERN),
            targetCount: 0,
          },
        ],
      });
      expect(eventBridgeMock).toHaveReceivedCommandTimes(ListRulesCommand, 2);
      // The schedule-only rule is never asked about.
      expect(eventBridgeMock).not.toHaveReceivedCommandWith(ListTargetsByRuleCommand, { Rule: 'nightly' });
    });

    it('reads every DescribeMetricFilters page and asks for alarms only on root-related metrics', async () => {
      logsMock
        .on(DescribeMetricFiltersCommand, { nextToken: undefined })
        .resolves({
          metricFilters: [
            {
              filterName: 'RootAccountUsage',
              logGroupName: CLOUDTRAIL_LOG_GROUP,
              filterPattern: CIS_ROOT_USAGE_FILTER,
              metricTransformations: [{ ...ROOT_USAGE_METRIC, metricValue: '1' }],
            },
          ],
          nextToken: 'filters-page-2',
        })
        .on(DescribeMetricFiltersCommand, { nextToken: 'filters-page-2' })
        .resolves({
          metricFilters: [
            {
              filterName: 'Unauthorized',
              logGroupName: CLOUDTRAIL_LOG_GROUP,
              filterPattern: '{ $.errorCode = "AccessDenied" }',
              metricTransformations: [
                { metricNamespace: 'CISBenchmark', metricName: 'Unauthorized', metricValue: '1' },
              ],
            },
          ],
        });
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
      logsMock.on(DescribeMetricFiltersCommand).resolves({
        metricFilters: [
          {
            filterName: 'RootOnly',
            logGroupName: CLOUDTRAIL_LOG_GROUP,
            filterPattern: ROOT_ONLY_FILTER,
            metricTransformations: [{ ...ROOT_USAGE_METRIC, metricValue: '1' }],
          },
        ],
      });

      const facts = await collect(context());

      expect(REGION).toBe('eu-west-1');
      expect(facts.eventBridge.region).toBe('us-east-1');
      expect(facts.cloudWatch.region).toBe('us-east-1');
      await expect(regionOf(eventBridgeMock.commandCalls(ListRulesCommand)[0]?.thisValue)).resolves.toBe(
        'us-east-1',
      );
      await expect(regionOf(logsMock.commandCalls(DescribeMetricFiltersCommand)[0]?.thisValue)).resolves.toBe(
        'us-east-1',
      );
      await expect(
        regionOf(cloudWatchMock.commandCalls(DescribeAlarmsForMetricCommand)[0]?.thisValue),
      ).resolves.toBe('us-east-1');
    });

    it('reads metric filters and alarms in MetricFilterRegion, and EventBridge still in us-east-1', async () => {
      const facts = await collect(context({ MetricFilterRegion: 'eu-central-1' }));

      expect(facts.eventBridge.region).toBe('us-east-1');
      expect(facts.cloudWatch.region).toBe('eu-central-1');
      await expect(regionOf(eventBridgeMock.commandCalls(ListRulesCommand)[0]?.thisValue)).resolves.toBe(
        'us-east-1',
      );
      await expect(regionOf(logsMock.commandCalls(DescribeMetricFiltersCommand)[0]?.thisValue)).resolves.toBe(
        'eu-central-1',
      );
    });

    it.each([
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ] as const)('reads the %s partition in %s', async (partition, region) => {
      const facts = await collect(context({}, partition));

      expect(facts.eventBridge.region).toBe(region);
      await expect(regionOf(eventBridgeMock.commandCalls(ListRulesCommand)[0]?.thisValue)).resolves.toBe(
        region,
      );
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
    const sent = () =>
      configMock.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

    beforeEach(() => {
      eventBridgeMock.on(ListRulesCommand).resolves({
        Rules: [
          { Name: 'root-signin-alert', State: 'ENABLED', EventPattern: JSON.stringify(ROOT_SIGN_IN_PATTERN) },
        ],
      });
      eventBridgeMock.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: '1', Arn: ALERT_TOPIC_ARN }] });
    });

    it('sends COMPLIANT to Config for an account with a root sign-in alert', async () => {
      const result = await handler(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

      expect(result.evaluations[0]?.complianceType).toBe('COMPLIANT');
      expect(sent()).toEqual([
        expect.objectContaining({
          ComplianceResourceType: 'AWS::::Account',
          ComplianceResourceId: MEMBER_ACCOUNT,
          ComplianceType: 'COMPLIANT',
          OrderingTimestamp: new Date(NOTIFICATION_TIME),
        }),
      ]);
    });

    it('sends NON_COMPLIANT and rejects with AccessDeniedError when a read is denied', async () => {
      logsMock.on(DescribeMetricFiltersCommand).rejects(
        Object.assign(new Error('not authorized to perform logs:DescribeMetricFilters'), {
          name: 'AccessDeniedException',
        }),
      );

      await expect(handler(scheduledEvent({ accountId: MEMBER_ACCOUNT }))).rejects.toBeInstanceOf(
        AccessDeniedError,
      );
      expect(sent()).toEqual([
        expect.objectContaining({
          ComplianceResourceId: MEMBER_ACCOUNT,
          ComplianceType: 'NON_COMPLIANT',
          Annotation: expect.stringContaining(
            'could not be evaluated, Access denied calling logs:DescribeMetricFilters',
          ),
        }),
      ]);
    });
  });
});
