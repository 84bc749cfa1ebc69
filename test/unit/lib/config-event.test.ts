import { parseConfigRuleEvent, TEST_MODE_TOKEN } from '../../../lib/config-event';
import { InvalidConfigEventError } from '../../../lib/errors';
import { configurationChangeEvent, scheduledEvent } from '../../helpers/config-events';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION, RESULT_TOKEN, RULE_NAME } from '../../helpers/constants';

const FALLBACK_REGION = 'ap-southeast-2';
const CAPTURE_TIME = '2026-11-20T05:42:17.123Z';

function parse(event: unknown, fallbackRegion = FALLBACK_REGION) {
  return parseConfigRuleEvent(event, fallbackRegion);
}

function expectInvalid(event: unknown, message: RegExp): InvalidConfigEventError {
  let caught: unknown;
  try {
    parse(event);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidConfigEventError);
  expect((caught as Error).message).toMatch(message);
  return caught as InvalidConfigEventError;
}

function oversizedEvent(captureTime: string | undefined): Record<string, unknown> {
  const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
  event.invokingEvent = JSON.stringify({
    configurationItemSummary: {
      ...(captureTime === undefined ? {} : { configurationItemCaptureTime: captureTime }),
      awsAccountId: MEMBER_ACCOUNT,
      resourceType: 'AWS::IAM::Policy',
      resourceId: 'ANPAEXAMPLE',
      changeType: 'UPDATE',
    },
    s3DeliverySummary: { s3BucketLocation: 'config-bucket/AWSLogs/oversized.json' },
    notificationCreationTime: NOTIFICATION_TIME,
    messageType: 'OversizedConfigurationItemChangeNotification',
    recordVersion: '1.0',
  });
  return event;
}

describe('parseConfigRuleEvent', () => {
  describe('message types', () => {
    it('decodes a ScheduledNotification with the notification time as ordering timestamp', () => {
      const invocation = parse(scheduledEvent({ accountId: MEMBER_ACCOUNT }));

      expect(invocation).toEqual({
        accountId: MEMBER_ACCOUNT,
        region: REGION,
        partition: 'aws',
        configRuleName: RULE_NAME,
        messageType: 'ScheduledNotification',
        notificationCreationTime: NOTIFICATION_TIME,
        orderingTimestamp: NOTIFICATION_TIME,
        resultToken: RESULT_TOKEN,
        testMode: false,
        eventLeftScope: false,
        rawParameters: {},
        executionRoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
        configRuleArn: `arn:aws:config:${REGION}:${MEMBER_ACCOUNT}:config-rule/config-rule-abcdef`,
      });
    });

    it('normalises the notification time to ISO-8601 UTC', () => {
      const invocation = parse(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, notificationCreationTime: '2026-11-20T07:00:00+01:00' }),
      );

      expect(invocation.notificationCreationTime).toBe(NOTIFICATION_TIME);
    });

    it('uses the configuration item capture time as ordering timestamp for a ConfigurationItemChangeNotification', () => {
      const invocation = parse(
        configurationChangeEvent({ accountId: MEMBER_ACCOUNT, captureTime: CAPTURE_TIME }),
      );

      expect(invocation.messageType).toBe('ConfigurationItemChangeNotification');
      expect(invocation.orderingTimestamp).toBe(CAPTURE_TIME);
      expect(invocation.notificationCreationTime).toBe(NOTIFICATION_TIME);
    });

    it('falls back to the notification time when a change notification has a null configuration item', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.invokingEvent = JSON.stringify({
        configurationItem: null,
        notificationCreationTime: NOTIFICATION_TIME,
        messageType: 'ConfigurationItemChangeNotification',
      });

      expect(parse(event).orderingTimestamp).toBe(NOTIFICATION_TIME);
    });

    it('uses the summary capture time as ordering timestamp for an OversizedConfigurationItemChangeNotification', () => {
      const invocation = parse(oversizedEvent(CAPTURE_TIME));

      expect(invocation.messageType).toBe('OversizedConfigurationItemChangeNotification');
      expect(invocation.orderingTimestamp).toBe(CAPTURE_TIME);
    });

    it('falls back to the notification time when an oversized notification has no capture time', () => {
      expect(parse(oversizedEvent(undefined)).orderingTimestamp).toBe(NOTIFICATION_TIME);
    });
  });

  describe('ruleParameters', () => {
    it('decodes absent ruleParameters as an empty object', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      expect(event).not.toHaveProperty('ruleParameters');

      expect(parse(event).rawParameters).toEqual({});
    });

    it('decodes ruleParameters "{}" as an empty object', () => {
      expect(
        parse(scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: '{}' })).rawParameters,
      ).toEqual({});
    });

    it('decodes empty or blank ruleParameters as an empty object', () => {
      expect(parse(scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: '' })).rawParameters).toEqual(
        {},
      );
      expect(
        parse(scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: '   ' })).rawParameters,
      ).toEqual({});
    });

    it('decodes ruleParameters JSON without validating it against a rule', () => {
      const invocation = parse(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: { MaxAgeDays: '90', Unknown: 'x' } }),
      );

      expect(invocation.rawParameters).toEqual({ MaxAgeDays: '90', Unknown: 'x' });
    });

    it('rejects ruleParameters that are not JSON, naming the field and keeping the cause', () => {
      const error = expectInvalid(
        scheduledEvent({ accountId: MEMBER_ACCOUNT, ruleParameters: '{MaxAgeDays: 90' }),
        /ruleParameters is not valid JSON/,
      );

      expect(error.accountId).toBe(MEMBER_ACCOUNT);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });
  });

  describe('malformed events', () => {
    it('rejects an invokingEvent that is not JSON', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.invokingEvent = 'not json at all';

      const error = expectInvalid(event, /^Config event field invokingEvent is not valid JSON$/);
      expect(error.accountId).toBe(MEMBER_ACCOUNT);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    });

    it('rejects an unknown messageType, listing the accepted ones', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.invokingEvent = JSON.stringify({
        messageType: 'ComplianceChangeNotification',
        notificationCreationTime: NOTIFICATION_TIME,
      });

      const error = expectInvalid(event, /Config invokingEvent is malformed: messageType: /);
      expect(error.message).toMatch(/ScheduledNotification/);
      expect(error.message).toMatch(/OversizedConfigurationItemChangeNotification/);
    });

    it('rejects a notificationCreationTime that is not a time', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT, notificationCreationTime: 'yesterday' });

      expectInvalid(event, /notificationCreationTime: expected an ISO-8601 time/);
    });

    it('rejects an event without a resultToken, naming the field', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      delete event.resultToken;

      const error = expectInvalid(event, /^Not a Config custom-rule event: .*resultToken/);
      expect(error.accountId).toBe(MEMBER_ACCOUNT);
    });

    it('rejects an empty resultToken', () => {
      expectInvalid(scheduledEvent({ accountId: MEMBER_ACCOUNT, resultToken: '' }), /resultToken/);
    });

    it('rejects an accountId that is not 12 digits', () => {
      expectInvalid(scheduledEvent({ accountId: '12345' }), /accountId: expected a 12-digit account id/);
    });

    it('rejects an event without a configRuleName', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      delete event.configRuleName;

      expectInvalid(event, /configRuleName/);
    });

    it.each([
      ['null', null],
      ['a string', 'hello'],
      ['an array', []],
    ])('rejects %s as not a Config custom-rule event', (_label, event) => {
      const error = expectInvalid(event, /^Not a Config custom-rule event: /);
      expect(error.accountId).toBeUndefined();
    });
  });

  describe('test mode', () => {
    it('sets testMode when the result token is TESTMODE', () => {
      const invocation = parse(scheduledEvent({ accountId: MEMBER_ACCOUNT, resultToken: TEST_MODE_TOKEN }));

      expect(TEST_MODE_TOKEN).toBe('TESTMODE');
      expect(invocation.testMode).toBe(true);
      expect(invocation.resultToken).toBe('TESTMODE');
    });

    it('leaves testMode off for an ordinary result token', () => {
      expect(parse(scheduledEvent({ accountId: MEMBER_ACCOUNT })).testMode).toBe(false);
    });
  });

  it('carries eventLeftScope through', () => {
    const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
    event.eventLeftScope = true;

    expect(parse(event).eventLeftScope).toBe(true);
  });

  it('treats an absent eventLeftScope as false', () => {
    const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
    delete event.eventLeftScope;

    expect(parse(event).eventLeftScope).toBe(false);
  });

  describe('region and partition', () => {
    it.each([
      ['aws', 'us-east-1'],
      ['aws', 'eu-central-2'],
      ['aws-cn', 'cn-north-1'],
      ['aws-us-gov', 'us-gov-west-1'],
    ])('reads partition %s and region %s from the configRuleArn', (partition, region) => {
      const invocation = parse(scheduledEvent({ accountId: MEMBER_ACCOUNT, partition, region }));

      expect(invocation.partition).toBe(partition);
      expect(invocation.region).toBe(region);
    });

    it('uses the fallback region when the event carries no configRuleArn', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      delete event.configRuleArn;

      const invocation = parse(event, FALLBACK_REGION);

      expect(invocation.region).toBe(FALLBACK_REGION);
      expect(invocation.partition).toBe('aws');
    });

    it('uses the fallback region when the configRuleArn has no readable region', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      event.configRuleArn = `arn:aws:config::${MEMBER_ACCOUNT}:config-rule/config-rule-abcdef`;

      expect(parse(event, FALLBACK_REGION).region).toBe(FALLBACK_REGION);
    });

    it('takes the partition from the executionRoleArn when there is no configRuleArn', () => {
      const event = scheduledEvent({
        accountId: MEMBER_ACCOUNT,
        partition: 'aws-us-gov',
        region: 'us-gov-west-1',
      });
      delete event.configRuleArn;

      const invocation = parse(event, 'us-gov-east-1');

      expect(invocation.partition).toBe('aws-us-gov');
      expect(invocation.region).toBe('us-gov-east-1');
    });

    it('derives the partition from the fallback region when no ARN names one', () => {
      const event = scheduledEvent({ accountId: MEMBER_ACCOUNT });
      delete event.configRuleArn;
      delete event.executionRoleArn;

      const invocation = parse(event, 'cn-northwest-1');

      expect(invocation.region).toBe('cn-northwest-1');
      expect(invocation.partition).toBe('aws-cn');
    });
  });
});
