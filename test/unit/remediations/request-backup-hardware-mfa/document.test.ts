/**
 * RootGuard-RequestBackupHardwareMfa and the Lambda it calls (the request-hardware-mfa Lambda, task
 * backup-hardware-mfa) agree: one Lambda step, defaults for everything Config does not fill itself, a
 * Payload the Lambda accepts with the fixed task, and it is what root-backup-mfa names as its remediation.
 */
import { loadDocument } from '../../../../remediations/lib/documents';
import { TASK_ID } from '../../../../remediations/request-backup-hardware-mfa/checklist';
import rule from '../../../../rules/root-backup-mfa/rule.json';
import { expectOneOpsItemStep, requestDocumentCases } from '../document-cases';

const doc = loadDocument('request-backup-hardware-mfa');
const mfa = loadDocument('request-hardware-mfa');
const { parameters, mainSteps } = doc.content;

describe('RootGuard-RequestBackupHardwareMfa document', () => {
  it('is the document rule root-backup-mfa names as its remediation', () => {
    expect(doc.name).toBe('RootGuard-RequestBackupHardwareMfa');
    expect(rule.remediation.documentId).toBe(doc.name);
  });

  it('calls the same Lambda as RootGuard-RequestHardwareMfa, through the same parameter', () => {
    expect(parameters.OpsItemFunctionName).toEqual(mfa.content.parameters.OpsItemFunctionName);
    expectOneOpsItemStep(doc);
    expect(mainSteps[0]).toMatchObject({ inputs: { FunctionName: '{{ OpsItemFunctionName }}' } });
  });

  requestDocumentCases(
    doc,
    'builds a Payload the Lambda accepts once SSM substitutes the defaults, with the fixed backup task',
    TASK_ID,
  );
});
