import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidDocumentError,
  loadDocuments,
  parseDocument,
  remediationFolders,
} from '../../../../remediations/lib/documents';
import { documentName } from '../../../../remediations/lib/names';

const MINIMAL = `schemaVersion: '0.3'
description: A document.
assumeRole: '{{ AutomationAssumeRole }}'
parameters:
  AutomationAssumeRole:
    type: String
    allowedPattern: '^arn:.*$'
mainSteps:
  - name: Wait
    action: aws:sleep
    inputs:
      Duration: PT1S
`;

describe('documentName', () => {
  it.each([
    ['open-break-glass-window', 'RootGuard-OpenBreakGlassWindow'],
    ['delete-root-access-keys', 'RootGuard-DeleteRootAccessKeys'],
    ['enable-mfa2', 'RootGuard-EnableMfa2'],
  ])('names %s %s', (folder, name) => {
    expect(documentName(folder)).toBe(name);
  });

  it.each(['lib', 'OpenWindow', 'open_window', '-open', 'open-'])('refuses the folder name %p', (folder) => {
    expect(() => documentName(folder)).toThrow(/verb-noun/);
  });
});

describe('parseDocument', () => {
  it('reads an Automation document', () => {
    const doc = parseDocument(MINIMAL, 'test.yaml');
    expect(doc.schemaVersion).toBe('0.3');
    expect(doc.mainSteps[0]?.action).toBe('aws:sleep');
    expect(doc.parameters.AutomationAssumeRole?.type).toBe('String');
  });

  it('refuses an unquoted schemaVersion (YAML makes it a number, SSM wants a string)', () => {
    expect(() => parseDocument(MINIMAL.replace("'0.3'", '0.3'), 'test.yaml')).toThrow(
      /test.yaml is not an Automation document: schemaVersion/,
    );
  });

  it('names every problem of a malformed document', () => {
    const broken = MINIMAL.replace('type: String', 'type: Text').replace(
      'action: aws:sleep',
      'action: sleep',
    );
    expect(() => parseDocument(broken, 'x.yaml')).toThrow(
      /parameters.AutomationAssumeRole.type.*mainSteps.0.action/,
    );
  });

  it('refuses text that is not YAML', () => {
    expect(() => parseDocument('a: [', 'x.yaml')).toThrow(InvalidDocumentError);
    expect(() => parseDocument('a: [', 'x.yaml')).toThrow(/x.yaml is not valid YAML/);
  });
});

describe('loadDocuments', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rootguard-remediations-'));
    mkdirSync(join(root, 'lib'));
    mkdirSync(join(root, 'open-window'));
    writeFileSync(join(root, 'open-window', 'document.yaml'), MINIMAL);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads every document folder, skipping lib, with its name and raw text', () => {
    const docs = loadDocuments(root);
    expect(docs.map((d) => [d.folder, d.name])).toEqual([['open-window', 'RootGuard-OpenWindow']]);
    expect(docs[0]?.raw).toBe(MINIMAL);
  });

  it('fails on a remediation folder without a document.yaml', () => {
    mkdirSync(join(root, 'close-window'));
    expect(remediationFolders(root)).toEqual(['close-window', 'open-window']);
    expect(() => loadDocuments(root)).toThrow(/remediations\/close-window has no document.yaml/);
  });
});
