/**
 * RootGuard-RequestRootActivityForwarding and the Lambda it calls (the request-hardware-mfa Lambda, task
 * root-activity-forwarding) agree: one Lambda step, defaults for everything Config does not fill itself, a
 * Payload the Lambda accepts with the fixed task, and it is what root-activity-alerting names as its remediation.
 */
import { loadDocument } from '../../../../remediations/lib/documents';
import { TASK_ID } from '../../../../remediations/request-root-activity-forwarding/checklist';
import rule from '../../../../rules/root-activity-alerting/rule.json';
import { expectOneOpsItemStep, requestDocumentCases } from '../document-cases';

const doc = loadDocument('request-root-activity-forwarding');
const mfa = loadDocument('request-hardware-mfa');
const { parameters, mainSteps } = doc.content;

describe('RootGuard-RequestRootActivityForwarding document', () => {
  it('is the document rule root-activity-alerting names as its remediation', () => {
    expect(doc.name).toBe('RootGuard-RequestRootActivityForwarding');
    expect(rule.remediation.documentId).toBe(doc.name);
  });

  it('calls the same Lambda as RootGuard-RequestHardwareMfa, through the same parameter', () => {
    expect(parameters.OpsItemFunctionName).toEqual(mfa.content.parameters.OpsItemFunctionName);
    expectOneOpsItemStep(doc);
    expect(mainSteps[0]).toMatchObject({ inputs: { FunctionName: '{{ OpsItemFunctionName }}' } });
  });

  requestDocumentCases(
    doc,
    'builds a Payload the Lambda accepts once SSM substitutes the defaults, with the fixed forwarding task',
    TASK_ID,
  );
});
