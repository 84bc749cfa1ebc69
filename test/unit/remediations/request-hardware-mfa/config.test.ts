import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';
import {
  DEFAULT_DOCUMENT_NAME,
  loadRequestHardwareMfaConfig,
} from '../../../../remediations/request-hardware-mfa/config';
import {
  createRequestHardwareMfaHandler,
  handler,
} from '../../../../remediations/request-hardware-mfa/handler';

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

  it('makes createRequestHardwareMfaHandler fail at creation (cold start), not per step', () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => createRequestHardwareMfaHandler()).toThrow(InvalidRemediationConfigError);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it('lets the module be imported without any environment (the default handler is built lazily)', () => {
    expect(typeof handler).toBe('function');
  });
});
