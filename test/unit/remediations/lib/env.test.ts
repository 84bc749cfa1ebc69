/** The document gate and Region every document-gated remediation Lambda reads (remediations/lib/env.ts). */
import { loadRemediationEnvironment, requiredVariable } from '../../../../remediations/lib/env';
import { InvalidRemediationConfigError } from '../../../../remediations/lib/errors';

const FIELDS = { BREAK_GLASS_TABLE: requiredVariable() };
const ENV = { BREAK_GLASS_TABLE: 'rootguard-break-glass', AWS_REGION: 'eu-west-1' };

describe('loadRemediationEnvironment', () => {
  it.each([
    ['open-break-glass-window', 'RootGuard-OpenBreakGlassWindow'],
    ['attach-deny-root-scp', 'RootGuard-AttachDenyRootScp'],
  ])('gates %s on its own document %s by default, blank included', (folder, name) => {
    expect(loadRemediationEnvironment(folder, FIELDS, ENV)).toEqual({
      variables: expect.objectContaining({ BREAK_GLASS_TABLE: 'rootguard-break-glass' }),
      documentName: name,
      region: 'eu-west-1',
    });
    const blank = { ...ENV, [`${folder.toUpperCase().replaceAll('-', '_')}_DOCUMENT_NAME`]: '' };
    expect(loadRemediationEnvironment(folder, FIELDS, blank).documentName).toBe(name);
  });

  it('takes <FOLDER>_DOCUMENT_NAME when set', () => {
    const env = { ...ENV, OPEN_BREAK_GLASS_WINDOW_DOCUMENT_NAME: 'RootGuard-Test' };
    expect(loadRemediationEnvironment('open-break-glass-window', FIELDS, env).documentName).toBe(
      'RootGuard-Test',
    );
  });

  it('names the folder and every bad variable, its own fields first, in one error', () => {
    const load = () =>
      loadRemediationEnvironment('open-break-glass-window', FIELDS, {
        OPEN_BREAK_GLASS_WINDOW_DOCUMENT_NAME: 'no spaces allowed',
        AWS_REGION: 'Mars',
      });

    expect(load).toThrow(InvalidRemediationConfigError);
    expect(load).toThrow(
      /^open-break-glass-window is misconfigured: BREAK_GLASS_TABLE: is not set; OPEN_BREAK_GLASS_WINDOW_DOCUMENT_NAME: expected an SSM document name; AWS_REGION: expected an AWS region$/,
    );
  });
});
