/**
 * The event patterns of stacksets/management-account.yaml, generated from their one home each (CloudFormation
 * cannot load a JSON file, and a hand-made copy drifts): the Organizations changes (org-snapshot/patterns.json,
 * also the central stack's rebuild rules) and the AssumeRoot issuances (alerts/root-activity/
 * assume-root-pattern.json, also the central stack's rule to the alert Lambda). The rest of the template stays
 * hand-written; the blocks sit between `# <generated:...>` marker lines. Pure: the caller passes the text.
 */
import rootSessionPatterns from '../alerts/root-activity/assume-root-pattern.json';
import { renderYaml } from '../deploy/generate-rules';
import organizationsPatterns from '../org-snapshot/patterns.json';
import { replaceGeneratedBlock, yamlMarkers } from '../scripts/lib/generated-block';

export const MANAGEMENT_ACCOUNT_FILE = 'stacksets/management-account.yaml';
export const ORGANIZATIONS_CHANGE_MARKERS = yamlMarkers('organizations-change-pattern');
export const ROOT_SESSION_ISSUED_MARKERS = yamlMarkers('root-session-issued-pattern');

/** management-account.yaml's text with both patterns rewritten from their JSON files. */
export function generateManagementAccount(template: string): string {
  const withOrganizations = replaceGeneratedBlock(
    template,
    ORGANIZATIONS_CHANGE_MARKERS,
    renderYaml(organizationsPatterns.organizationsChange),
  );
  return replaceGeneratedBlock(
    withOrganizations,
    ROOT_SESSION_ISSUED_MARKERS,
    renderYaml(rootSessionPatterns.rootSessionIssued),
  );
}
