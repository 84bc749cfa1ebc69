import { DEFAULT_SEVERITY, SEVERITY_PATTERN } from '../../../../remediations/lib/ops-item';
import { DEFAULT_DOCUMENT_NAME, FOLDER } from '../../../../remediations/request-hardware-mfa/config';
import { documentUnderTest, expectOneOpsItemStep, requestDocumentCases } from '../document-cases';

const { doc, parameters } = documentUnderTest(FOLDER);

describe('RootGuard-RequestHardwareMfa document', () => {
  it('is the document rule root-hardware-mfa names as its remediation', () => {
    expect(doc.name).toBe(DEFAULT_DOCUMENT_NAME);
    expect(doc.name).toBe('RootGuard-RequestHardwareMfa');
  });

  it('validates Severity as the Lambda does, default 2', () => {
    expect(parameters.Severity).toMatchObject({
      allowedPattern: SEVERITY_PATTERN,
      default: DEFAULT_SEVERITY,
    });
  });

  it('is one Lambda step that ends the execution', () => {
    expectOneOpsItemStep(doc);
  });

  requestDocumentCases(
    doc,
    'builds a Payload the Lambda accepts once SSM substitutes the defaults',
    'hardware-mfa',
  );
});
