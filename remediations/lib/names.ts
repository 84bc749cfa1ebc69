/**
 * How a remediation folder names its SSM document: `open-break-glass-window` → `RootGuard-OpenBreakGlassWindow`.
 * Kept apart from documents.ts (which reads files and parses YAML) so a Lambda can import it without
 * bundling a YAML parser.
 */

export const DOCUMENT_NAME_PREFIX = 'RootGuard-';
/** `<verb>-<noun>[-<more>]`, lower case: the folder convention of ARCHITECTURE.md (convention 9). */
export const FOLDER_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

export function documentName(folder: string): string {
  if (!FOLDER_PATTERN.test(folder)) {
    throw new Error(
      `remediations/${folder}: folder names are lower-case verb-noun, e.g. open-break-glass-window`,
    );
  }
  const pascal = folder
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return `${DOCUMENT_NAME_PREFIX}${pascal}`;
}

/** The environment variable naming a remediation's document: `delete-root-access-keys` → `DELETE_ROOT_ACCESS_KEYS_DOCUMENT_NAME`. */
export function documentNameEnvVar(folder: string): string {
  return `${folder.toUpperCase().replaceAll('-', '_')}_DOCUMENT_NAME`;
}
