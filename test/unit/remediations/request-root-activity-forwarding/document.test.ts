/**
 * RootGuard-RequestRootActivityForwarding and the Lambda it calls (the request-hardware-mfa Lambda, task
 * root-activity-forwarding) agree: one Lambda step, defaults for everything Config does not fill itself, a
 * Payload the Lambda accepts with the fixed task, and it is what root-activity-alerting names as its remediation.
 */
import { references } from '../../../../remediations/lib/document-analysis';
import { loadDocument } from '../../../../remediations/lib/documents';
import { DEFAULT_SEVERITY, SEVERITY_PATTERN } from '../../../../remediations/lib/ops-item';
import { requestPayloadSchema } from '../../../../remediations/request-hardware-mfa/handler';
import { TASK_ID } from '../../../../remediations/request-root-activity-forwarding/checklist';
import rule from '../../../../rules/root-activity-alerting/rule.json';
import { MEMBER_ACCOUNT } from '../../../helpers/constants';
import { EXECUTION_ID } from '../request-hardware-mfa/fixtures';

const doc = loadDocument('request-root-activity-forwarding');
const mfa = loadDocument('request-hardware-mfa');
const { parameters, mainSteps } = doc.content;

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name}`);
    return value;
  });
}

describe('RootGuard-RequestRootActivityForwarding document', () => {
  it('is the document rule root-activity-alerting names as its remediation', () => {
    expect(doc.name).toBe('RootGuard-RequestRootActivityForwarding');
    expect(rule.remediation.documentId).toBe(doc.name);
  });

  it('needs only what Config fills itself (AutomationAssumeRole, AccountId); the rest has defaults', () => {
    const required = Object.entries(parameters)
      .filter(([, p]) => p.default === undefined)
      .map(([name]) => name);
    expect(required.sort()).toEqual(['AccountId', 'AutomationAssumeRole']);
    expect(parameters.Severity).toMatchObject({
      allowedPattern: SEVERITY_PATTERN,
      default: DEFAULT_SEVERITY,
    });
  });

  it('calls the same Lambda as RootGuard-RequestHardwareMfa, through the same parameter', () => {
    expect(parameters.OpsItemFunctionName).toEqual(mfa.content.parameters.OpsItemFunctionName);
    expect(mainSteps.map((s) => [s.name, s.action])).toEqual([['OpenOpsItem', 'aws:invokeLambdaFunction']]);
    expect(mainSteps[0]).toMatchObject({
      onFailure: 'Abort',
      isEnd: true,
      inputs: { FunctionName: '{{ OpsItemFunctionName }}' },
    });
    expect(doc.content.outputs).toEqual(['OpenOpsItem.Payload']);
  });

  it('builds a Payload the Lambda accepts once SSM substitutes the defaults, with the fixed forwarding task', () => {
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
      task: TASK_ID,
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
