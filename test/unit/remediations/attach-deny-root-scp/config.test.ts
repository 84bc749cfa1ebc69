import {
  DEFAULT_DOCUMENT_NAME,
  loadAttachScpConfig,
} from '../../../../remediations/attach-deny-root-scp/config';
import { createAttachScpHandler, handler } from '../../../../remediations/attach-deny-root-scp/handler';
import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';
import { ORG_WRITE_ROLE_ARN } from './fixtures';

describe('loadAttachScpConfig', () => {
  it('reads the region and the optional management-account role', () => {
    expect(loadAttachScpConfig({ AWS_REGION: 'us-east-1', ORG_WRITE_ROLE_ARN })).toEqual({
      orgWriteRoleArn: ORG_WRITE_ROLE_ARN,
      region: 'us-east-1',
    });
    expect(DEFAULT_DOCUMENT_NAME).toBe('RootGuard-AttachDenyRootScp');
  });

  it('treats an empty ORG_WRITE_ROLE_ARN as the function’s own credentials', () => {
    expect(
      loadAttachScpConfig({ AWS_REGION: 'us-east-1', ORG_WRITE_ROLE_ARN: '' }).orgWriteRoleArn,
    ).toBeUndefined();
  });

  it('names every missing or malformed variable in one error', () => {
    const load = () => loadAttachScpConfig({ ORG_WRITE_ROLE_ARN: 'RootGuardOrgWrite' });
    expect(load).toThrow(InvalidRemediationConfigError);
    expect(load).toThrow(/ORG_WRITE_ROLE_ARN: expected an IAM role ARN; AWS_REGION: is not set/);
  });

  it('makes createAttachScpHandler fail at creation (cold start), not per step', () => {
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => createAttachScpHandler()).toThrow(InvalidRemediationConfigError);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it('lets the module be imported without any environment (the default handler is built lazily)', () => {
    expect(typeof handler).toBe('function');
  });
});
