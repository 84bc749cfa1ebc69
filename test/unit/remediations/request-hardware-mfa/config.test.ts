import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';
import {
  DEFAULT_DOCUMENT_NAME,
  loadRequestHardwareMfaConfig,
} from '../../../../remediations/request-hardware-mfa/config';
import {
  createRequestHardwareMfaHandler,
  handler,
} from '../../../../remediations/request-hardware-mfa/handler';
import { coldStartCases } from '../../../helpers/cold-start';

describe('loadRequestHardwareMfaConfig', () => {
  it('reads the region', () => {
    expect(loadRequestHardwareMfaConfig({ AWS_REGION: 'eu-central-1' })).toMatchObject({
      region: 'eu-central-1',
    });
    expect(DEFAULT_DOCUMENT_NAME).toBe('RootGuard-RequestHardwareMfa');
  });

  it('fails with a named error when the region is missing or malformed', () => {
    expect(() => loadRequestHardwareMfaConfig({})).toThrow(/AWS_REGION: is not set/);
    expect(() => loadRequestHardwareMfaConfig({ AWS_REGION: 'europe' })).toThrow(
      InvalidRemediationConfigError,
    );
  });

  coldStartCases({
    factoryName: 'createRequestHardwareMfaHandler',
    create: createRequestHardwareMfaHandler,
    variable: 'AWS_REGION',
    error: InvalidRemediationConfigError,
    per: 'step',
    handler,
  });
});
