/**
 * The request-* documents that call the request-hardware-mfa Lambda with a fixed task (RootGuard-RequestBackupHardwareMfa,
 * RootGuard-RequestRootActivityForwarding) and that Lambda agree: one Lambda step, defaults for everything Config
 * does not fill itself, a Payload the Lambda accepts with the fixed task, and each is what its rule names as its
 * remediation. One table: the documents differ only in folder, rule and task.
 */
import { loadDocument } from '../../../remediations/lib/documents';
import * as backup from '../../../remediations/request-backup-hardware-mfa/checklist';
import * as forwarding from '../../../remediations/request-root-activity-forwarding/checklist';
import forwardingRule from '../../../rules/root-activity-alerting/rule.json';
import backupRule from '../../../rules/root-backup-mfa/rule.json';
import { expectOneOpsItemStep, requestDocumentCases } from './document-cases';

const mfa = loadDocument('request-hardware-mfa');

describe.each([
  {
    folder: 'request-backup-hardware-mfa',
    name: 'RootGuard-RequestBackupHardwareMfa',
    rule: backupRule,
    task: backup.TASK_ID,
    what: 'backup',
  },
  {
    folder: 'request-root-activity-forwarding',
    name: 'RootGuard-RequestRootActivityForwarding',
    rule: forwardingRule,
    task: forwarding.TASK_ID,
    what: 'forwarding',
  },
])('$name document', ({ folder, name, rule, task, what }) => {
  const doc = loadDocument(folder);

  it(`is the document rule ${rule.id} names as its remediation`, () => {
    expect(doc.name).toBe(name);
    expect(rule.remediation.documentId).toBe(doc.name);
  });

  it('calls the same Lambda as RootGuard-RequestHardwareMfa, through the same parameter', () => {
    expect(doc.content.parameters.OpsItemFunctionName).toEqual(mfa.content.parameters.OpsItemFunctionName);
    expectOneOpsItemStep(doc);
    expect(doc.content.mainSteps[0]).toMatchObject({ inputs: { FunctionName: '{{ OpsItemFunctionName }}' } });
  });

  requestDocumentCases(
    doc,
    `builds a Payload the Lambda accepts once SSM substitutes the defaults, with the fixed ${what} task`,
    task,
  );
});
