import {
  DEFAULT_DOCUMENT_NAME,
  loadAttachScpConfig,
} from '../../../../remediations/attach-deny-root-scp/config';
import { createAttachScpHandler, handler } from '../../../../remediations/attach-deny-root-scp/handler';
import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';
import { coldStartCases } from '../../../helpers/cold-start';
import { ORG_WRITE_ROLE_ARN } from './fixtures';

describe('loadAttachScpConfig', () => {
  it('reads the region and the optional management-account role', () => {
    expect(loadAttachScpConfig({ AWS_REGION: 'us-east-1', ORG_WRITE_ROLE_ARN })).toMatchObject({
      orgWriteRoleArn: ORG_WRITE_ROLE_ARN,
      documentName: 'RootGuard-AttachDenyRootScp',
      executionReaderRoleName: 'RootGuardRemediationReader',
      region: 'us-east-1',
    });
    expect(DEFAULT_DOCUMENT_NAME).toBe('RootGuard-AttachDenyRootScp');
  });

  it('takes the execution reader role from the environment, blank as the default', () => {
    const load = (name: string) =>
      loadAttachScpConfig({ AWS_REGION: 'us-east-1', EXECUTION_READER_ROLE_NAME: name })
        .executionReaderRoleName;
    expect(load('RootGuardReader-dev')).toBe('RootGuardReader-dev');
    expect(load('')).toBe('RootGuardRemediationReader');
    expect(() => load('arn:aws:iam::1:role/x')).toThrow(
      /EXECUTION_READER_ROLE_NAME: expected an IAM role name/,
    );
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

  coldStartCases({
    factoryName: 'createAttachScpHandler',
    create: createAttachScpHandler,
    variable: 'AWS_REGION',
    error: InvalidRemediationConfigError,
    per: 'step',
    handler,
  });
});
