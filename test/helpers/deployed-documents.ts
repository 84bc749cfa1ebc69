/**
 * ssm:GetDocument as SSM answers it for rootguard's documents: the version an execution ran, as JSON (what
 * remediations/lib/document-digest.ts compares with the pinned digest). `changed` plays a member-account
 * administrator who updated the document under the same name.
 */
import { GetDocumentCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { loadDocuments } from '../../remediations/lib/documents';

const DOCUMENTS = loadDocuments();

/** The JSON SSM returns for a rootguard document, by name; undefined for any other name. */
export function deployedDocumentJson(name: string): string | undefined {
  const doc = DOCUMENTS.find((d) => d.name === name);
  return doc ? JSON.stringify(doc.content) : undefined;
}

/** The document with its approval steps taken out: what an attacker would deploy under the same name. */
export function changedDocumentJson(name: string): string {
  const doc = DOCUMENTS.find((d) => d.name === name);
  if (!doc) throw new Error(`no rootguard document ${name}`);
  const mainSteps = doc.content.mainSteps.filter((s) => s.action !== 'aws:approve');
  return JSON.stringify({ ...doc.content, mainSteps });
}

/** Answers GetDocument with the deployed content of every rootguard document (or `content` for all). */
export function givenDeployedDocuments(ssmMock: AwsClientStub<SSMClient>, content?: string): void {
  ssmMock.on(GetDocumentCommand).callsFake(async (input: { Name?: string; DocumentVersion?: string }) => ({
    Name: input.Name,
    DocumentVersion: input.DocumentVersion,
    DocumentFormat: 'JSON',
    Status: 'Active',
    Content: content ?? deployedDocumentJson(input.Name ?? ''),
  }));
}
