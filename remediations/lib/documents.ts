/**
 * The SSM Automation documents of rootguard: one per `remediations/<verb-noun>/document.yaml`. The folder names
 * the document (`open-break-glass-window` → `RootGuard-OpenBreakGlassWindow`), so the name used to create it,
 * to start it and to check it in a Lambda never drifts from the folder. Documents are parsed with `yaml` and
 * checked against the small part of the SSM schema rootguard relies on; everything else passes through.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod';
import { documentName } from './names';

export { DOCUMENT_NAME_PREFIX, documentName, FOLDER_PATTERN } from './names';

export const REMEDIATIONS_DIR = resolve(__dirname, '..');
export const DOCUMENT_FILE = 'document.yaml';
/** Folders under remediations/ that hold shared code, not a document. */
export const NON_DOCUMENT_FOLDERS: readonly string[] = ['lib'];
export const PARAMETER_TYPES = [
  'String',
  'StringList',
  'Integer',
  'Boolean',
  'MapList',
  'StringMap',
] as const;

const parameterSchema = z
  .object({
    type: z.enum(PARAMETER_TYPES),
    description: z.string().optional(),
    default: z.unknown().optional(),
    allowedPattern: z.string().optional(),
    allowedValues: z.array(z.unknown()).optional(),
    minItems: z.number().int().optional(),
    maxItems: z.number().int().optional(),
  })
  .loose();

const stepSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_]{1,100}$/, 'step names are letters, digits and underscores'),
    action: z.string().regex(/^aws:[A-Za-z]+$/, 'expected an action such as aws:approve'),
    inputs: z.record(z.string(), z.unknown()).optional(),
    outputs: z
      .array(z.object({ Name: z.string(), Selector: z.string(), Type: z.string() }).loose())
      .optional(),
    onFailure: z.string().optional(),
    onCancel: z.string().optional(),
    nextStep: z.string().optional(),
    isEnd: z.boolean().optional(),
    isCritical: z.boolean().optional(),
    timeoutSeconds: z.number().int().positive().optional(),
    maxAttempts: z.number().int().positive().optional(),
  })
  .loose();

export const automationDocumentSchema = z
  .object({
    // Quoted in YAML: an unquoted 0.3 is a number, which SSM rejects.
    schemaVersion: z.string(),
    description: z.string(),
    assumeRole: z.string().optional(),
    parameters: z.record(z.string(), parameterSchema).default({}),
    mainSteps: z.array(stepSchema).min(1),
    outputs: z.array(z.string()).optional(),
  })
  .loose();

export type AutomationDocument = z.infer<typeof automationDocumentSchema>;
export type DocumentParameter = z.infer<typeof parameterSchema>;
export type DocumentStep = z.infer<typeof stepSchema>;

export interface RemediationDocument {
  /** The folder under remediations/, e.g. `open-break-glass-window`. */
  folder: string;
  /** The SSM document name, e.g. `RootGuard-OpenBreakGlassWindow`. */
  name: string;
  path: string;
  /** The file as written: what CreateDocument sends. */
  raw: string;
  content: AutomationDocument;
}

/** The document in a malformed file, named with every problem zod found. */
export class InvalidDocumentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Every folder under remediations/ that is meant to hold a document (all but the shared ones), sorted. */
export function remediationFolders(root = REMEDIATIONS_DIR): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NON_DOCUMENT_FOLDERS.includes(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Parses one document's YAML text; `where` names it in errors. */
export function parseDocument(raw: string, where: string): AutomationDocument {
  let data: unknown;
  try {
    data = parse(raw);
  } catch (error) {
    throw new InvalidDocumentError(`${where} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = automationDocumentSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new InvalidDocumentError(`${where} is not an Automation document: ${problems.join('; ')}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

export function loadDocument(folder: string, root = REMEDIATIONS_DIR): RemediationDocument {
  const path = join(root, folder, DOCUMENT_FILE);
  if (!existsSync(path)) throw new InvalidDocumentError(`remediations/${folder} has no ${DOCUMENT_FILE}`);
  const raw = readFileSync(path, 'utf8');
  return {
    folder,
    name: documentName(folder),
    path,
    raw,
    content: parseDocument(raw, `remediations/${folder}/${DOCUMENT_FILE}`),
  };
}

/** Every document under remediations/, in folder order. A folder without a document.yaml is an error. */
export function loadDocuments(root = REMEDIATIONS_DIR): RemediationDocument[] {
  return remediationFolders(root).map((folder) => loadDocument(folder, root));
}
