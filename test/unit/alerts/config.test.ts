import { importTargetFrom, loadAlertConfig } from '../../../alerts/root-activity/config';
import { InvalidAlertConfigError } from '../../../alerts/root-activity/errors';
import { createRootActivityHandler, handler } from '../../../alerts/root-activity/handler';
import { coldStartCases } from '../../helpers/cold-start';
import { SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { ALERT_CONFIG, FUNCTION_ARN } from '../../helpers/root-activity-events';

const ENV = {
  ALERT_TOPIC_ARN: ALERT_CONFIG.topicArn,
  INVALID_EVENT_QUEUE_URL: ALERT_CONFIG.invalidEventQueueUrl,
  BREAK_GLASS_TABLE: ALERT_CONFIG.breakGlassTable,
  AWS_REGION: 'us-east-1',
};

describe('loadAlertConfig', () => {
  it('reads the environment, defaulting the Security Hub region to the function region', () => {
    expect(loadAlertConfig(ENV)).toEqual({
      topicArn: ALERT_CONFIG.topicArn,
      invalidEventQueueUrl: ALERT_CONFIG.invalidEventQueueUrl,
      breakGlassTable: ALERT_CONFIG.breakGlassTable,
      region: 'us-east-1',
      securityHubRegion: 'us-east-1',
      runbook: 'README.md#break-glass',
    });
  });

  it('takes SECURITY_HUB_REGION and RUNBOOK_URL when set, and treats empty ones as unset', () => {
    expect(
      loadAlertConfig({
        ...ENV,
        SECURITY_HUB_REGION: 'eu-west-1',
        RUNBOOK_URL: 'https://wiki.example.com/rg',
      }),
    ).toMatchObject({ securityHubRegion: 'eu-west-1', runbook: 'https://wiki.example.com/rg' });
    expect(loadAlertConfig({ ...ENV, SECURITY_HUB_REGION: '', RUNBOOK_URL: '' })).toMatchObject({
      securityHubRegion: 'us-east-1',
      runbook: 'README.md#break-glass',
    });
  });

  it('names every missing or malformed variable in one error', () => {
    const load = () => loadAlertConfig({ ALERT_TOPIC_ARN: 'my-topic', AWS_REGION: 'us-east-1' });

    expect(load).toThrow(InvalidAlertConfigError);
    expect(load).toThrow(
      /ALERT_TOPIC_ARN: expected an SNS topic ARN.*INVALID_EVENT_QUEUE_URL.*BREAK_GLASS_TABLE/,
    );
  });

  coldStartCases({
    factoryName: 'createRootActivityHandler',
    create: createRootActivityHandler,
    variable: 'ALERT_TOPIC_ARN',
    error: InvalidAlertConfigError,
    per: 'event',
    handler,
  });
});

describe('importTargetFrom', () => {
  it('reads the account and partition from the invoked function ARN', () => {
    expect(importTargetFrom(FUNCTION_ARN, 'eu-west-1')).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      importerAccountId: SECURITY_TOOLING_ACCOUNT,
    });
    expect(
      importTargetFrom(
        `arn:aws-us-gov:lambda:us-gov-west-1:${SECURITY_TOOLING_ACCOUNT}:function:f`,
        'us-gov-west-1',
      ).partition,
    ).toBe('aws-us-gov');
  });

  it.each([undefined, '', 'arn:aws:lambda:us-east-1::function:f'])('refuses %p', (arn) => {
    expect(() => importTargetFrom(arn, 'us-east-1')).toThrow(InvalidAlertConfigError);
  });
});
