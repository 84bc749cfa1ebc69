import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';
import {
  DEFAULT_DOCUMENT_NAME,
  loadOpenWindowConfig,
} from '../../../../remediations/open-break-glass-window/config';
import { createOpenWindowHandler, handler } from '../../../../remediations/open-break-glass-window/handler';
import { coldStartCases } from '../../../helpers/cold-start';
import { ALERT_TOPIC_ARN, TABLE } from './fixtures';

const ENV = { BREAK_GLASS_TABLE: TABLE, ALERT_TOPIC_ARN, AWS_REGION: 'us-east-1' };

describe('loadOpenWindowConfig', () => {
  it('reads the environment, defaulting the document name to the one the folder gives', () => {
    expect(loadOpenWindowConfig(ENV)).toEqual({
      breakGlassTable: TABLE,
      alertTopicArn: ALERT_TOPIC_ARN,
      documentName: 'RootGuard-OpenBreakGlassWindow',
      region: 'us-east-1',
    });
    expect(DEFAULT_DOCUMENT_NAME).toBe('RootGuard-OpenBreakGlassWindow');
  });

  it('treats an empty ALERT_TOPIC_ARN as no notice', () => {
    expect(loadOpenWindowConfig({ ...ENV, ALERT_TOPIC_ARN: '' })).toMatchObject({ alertTopicArn: undefined });
  });

  it('names every missing or malformed variable in one error', () => {
    const load = () => loadOpenWindowConfig({ ALERT_TOPIC_ARN: 'my-topic', AWS_REGION: 'us-east-1' });

    expect(load).toThrow(InvalidRemediationConfigError);
    expect(load).toThrow(/BREAK_GLASS_TABLE: is not set; ALERT_TOPIC_ARN: expected an SNS topic ARN/);
    expect(() => loadOpenWindowConfig({ ...ENV, BREAK_GLASS_TABLE: 'a b' })).toThrow(
      /BREAK_GLASS_TABLE: expected a DynamoDB table name/,
    );
  });

  coldStartCases({
    factoryName: 'createOpenWindowHandler',
    create: createOpenWindowHandler,
    variable: 'BREAK_GLASS_TABLE',
    error: InvalidRemediationConfigError,
    per: 'step',
    handler,
  });
});
