/** Builders for real-shaped AWS Config custom-rule events. */
import { NOTIFICATION_TIME, REGION, RESULT_TOKEN, RULE_NAME } from './constants';

export interface ScheduledEventOptions {
  accountId: string;
  region?: string;
  partition?: string;
  ruleParameters?: Record<string, unknown> | string | undefined;
  resultToken?: string;
  notificationCreationTime?: string;
  ruleName?: string;
}

export function scheduledEvent(options: ScheduledEventOptions): Record<string, unknown> {
  const region = options.region ?? REGION;
  const partition = options.partition ?? 'aws';
  const ruleName = options.ruleName ?? RULE_NAME;
  const event: Record<string, unknown> = {
    version: '1.0',
    invokingEvent: JSON.stringify({
      awsAccountId: options.accountId,
      notificationCreationTime: options.notificationCreationTime ?? NOTIFICATION_TIME,
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    }),
    resultToken: options.resultToken ?? RESULT_TOKEN,
    eventLeftScope: false,
    executionRoleArn: `arn:${partition}:iam::${options.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:${partition}:config:${region}:${options.accountId}:config-rule/config-rule-abcdef`,
    configRuleName: ruleName,
    configRuleId: 'config-rule-abcdef',
    accountId: options.accountId,
    evaluationMode: 'DETECTIVE',
  };
  if (options.ruleParameters !== undefined) {
    event.ruleParameters =
      typeof options.ruleParameters === 'string'
        ? options.ruleParameters
        : JSON.stringify(options.ruleParameters);
  }
  return event;
}

export function configurationChangeEvent(options: ScheduledEventOptions & { captureTime: string }) {
  const base = scheduledEvent(options);
  base.invokingEvent = JSON.stringify({
    configurationItem: {
      configurationItemCaptureTime: options.captureTime,
      awsAccountId: options.accountId,
      resourceType: 'AWS::IAM::User',
      resourceId: 'AIDAEXAMPLE',
      configurationItemStatus: 'OK',
    },
    notificationCreationTime: options.notificationCreationTime ?? NOTIFICATION_TIME,
    messageType: 'ConfigurationItemChangeNotification',
    recordVersion: '1.0',
  });
  return base;
}
