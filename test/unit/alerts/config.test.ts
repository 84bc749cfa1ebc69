import { importTargetFrom, loadAlertConfig } from '../../../alerts/root-activity/config';
import { InvalidAlertConfigError } from '../../../alerts/root-activity/errors';
import { createRootActivityHandler, handler } from '../../../alerts/root-activity/handler';
import { coldStartCases } from '../../helpers/cold-start';
import { expectImportTargetRead } from '../../helpers/import-target';
import { ALERT_CONFIG, FUNCTION_ARN } from '../../helpers/root-activity-events';

const ENV = {
  ALERT_TOPIC_ARN: ALERT_CONFIG.topicArn,
  INVALID_EVENT_QUEUE_URL: ALERT_CONFIG.invalidEventQueueUrl,
  BREAK_GLASS_TABLE: ALERT_CONFIG.breakGlassTable,
  LEDGER_TABLE: ALERT_CONFIG.ledgerTable,
  AWS_REGION: 'us-east-1',
};
const AUDIT_ROLE_ARN = 'arn:aws:iam::999988887777:role/rootguard-root-audit';

describe('loadAlertConfig', () => {
  it('reads the environment, defaulting the Security Hub region to the function region', () => {
    expect(loadAlertConfig(ENV)).toEqual({
      topicArn: ALERT_CONFIG.topicArn,
      invalidEventQueueUrl: ALERT_CONFIG.invalidEventQueueUrl,
      breakGlassTable: ALERT_CONFIG.breakGlassTable,
      region: 'us-east-1',
      securityHubRegion: 'us-east-1',
      runbook: 'README.md#break-glass',
      ledgerTable: ALERT_CONFIG.ledgerTable,
    });
  });

  it('takes one audit role ARN for the organization; blank is none', () => {
    expect(loadAlertConfig({ ...ENV, ROOT_AUDIT_ROLE_ARN: AUDIT_ROLE_ARN })).toMatchObject({
      rootAuditRoleArn: AUDIT_ROLE_ARN,
    });
    expect(loadAlertConfig({ ...ENV, ROOT_AUDIT_ROLE_ARN: '' }).rootAuditRoleArn).toBeUndefined();
  });

  it('refuses an audit role that is not a role ARN, and a missing ledger table', () => {
    expect(() =>
      loadAlertConfig({ ...ENV, ROOT_AUDIT_ROLE_ARN: 'arn:aws:iam::999988887777:user/rootguard-root-audit' }),
    ).toThrow(/ROOT_AUDIT_ROLE_ARN: expected an IAM role ARN/);
    expect(() => loadAlertConfig({ ...ENV, LEDGER_TABLE: undefined })).toThrow(/LEDGER_TABLE/);
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
    expectImportTargetRead(importTargetFrom, FUNCTION_ARN);
  });

  it.each([undefined, '', 'arn:aws:lambda:us-east-1::function:f'])('refuses %p', (arn) => {
    expect(() => importTargetFrom(arn, 'us-east-1')).toThrow(InvalidAlertConfigError);
  });
});
