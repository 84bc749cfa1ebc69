/**
 * RootGuard-RequestHardwareMfa and its Lambda agree: one Lambda step, patterns shared with the code, defaults for
 * everything a Config remediation does not pass, and a Payload the Lambda accepts.
 */
import { references } from '../../../../remediations/lib/document-analysis';
import { loadDocument } from '../../../../remediations/lib/documents';
import { DEFAULT_SEVERITY, SEVERITY_PATTERN } from '../../../../remediations/lib/ops-item';
import { DEFAULT_DOCUMENT_NAME, FOLDER } from '../../../../remediations/request-hardware-mfa/config';
import { requestPayloadSchema } from '../../../../remediations/request-hardware-mfa/handler';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { EXECUTION_ID } from './fixtures';

const doc = loadDocument(FOLDER);
const { parameters, mainSteps } = doc.content;

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  });
}

describe('RootGuard-RequestHardwareMfa document', () => {
  it('is the document rule root-hardware-mfa names as its remediation', () => {
    expect(doc.name).toBe(DEFAULT_DOCUMENT_NAME);
    expect(doc.name).toBe('RootGuard-RequestHardwareMfa');
  });

  it('needs only what Config fills itself (AutomationAssumeRole, AccountId); the rest has defaults', () => {
    const required = Object.entries(parameters)
      .filter(([, p]) => p.default === undefined)
      .map(([name]) => name);
    expect(required.sort()).toEqual(['AccountId', 'AutomationAssumeRole']);
  });

  it('validates Severity as the Lambda does, default 2', () => {
    expect(parameters.Severity).toMatchObject({
      allowedPattern: SEVERITY_PATTERN,
      default: DEFAULT_SEVERITY,
    });
  });

  it('is one Lambda step that ends the execution', () => {
    expect(mainSteps.map((s) => [s.name, s.action])).toEqual([['OpenOpsItem', 'aws:invokeLambdaFunction']]);
    expect(mainSteps[0]).toMatchObject({ onFailure: 'Abort', isEnd: true });
    expect(doc.content.outputs).toEqual(['OpenOpsItem.Payload']);
  });

  it('builds a Payload the Lambda accepts once SSM substitutes the defaults', () => {
    const payload = substitute(String(mainSteps[0]?.inputs?.Payload), {
      'automation:EXECUTION_ID': EXECUTION_ID,
      AccountId: MEMBER_ACCOUNT,
      Severity: String(parameters.Severity?.default),
      DryRun: String(parameters.DryRun?.default),
    });
    expect(requestPayloadSchema.parse(JSON.parse(payload))).toEqual({
      executionId: EXECUTION_ID,
      accountId: MEMBER_ACCOUNT,
      severity: '2',
      dryRun: false,
      task: 'hardware-mfa',
    });
  });

  it('substitutes into the Payload only values whose pattern has no room for a quote or a backslash', () => {
    const inPayload = references(doc.content)
      .filter((r) => r.path.endsWith('.Payload'))
      .map((r) => r.target)
      .filter((name) => name in parameters);
    for (const name of inPayload) {
      expect(parameters[name]?.allowedPattern).not.toMatch(/\[\^|\.[*+{]|\\\\|"/);
    }
  });
});
