/**
 * Writes stacksets/member-remediation.yaml from the remediation documents the rules name (rules/*\/rule.json,
 * remediations/<folder>/document.yaml).
 *
 *   npx tsx scripts/generate-member-remediation.ts           write the template
 *   npx tsx scripts/generate-member-remediation.ts --check   exit 1 if the committed template is out of date
 */
import { RULES } from '../lib/rule-registry';
import { loadDocuments } from '../remediations/lib/documents';
import {
  generateMemberRemediation,
  MEMBER_REMEDIATION_FILE,
  memberRemediationDocuments,
  renderMemberRemediation,
} from '../stacksets/generate-member-remediation';
import { writeOrCheck } from './lib/write-or-check';

const documents = memberRemediationDocuments(
  RULES.map((rule) => rule.metadata),
  loadDocuments(),
);
const text = renderMemberRemediation(generateMemberRemediation(documents));

writeOrCheck(`stacksets/${MEMBER_REMEDIATION_FILE}`, text, 'scripts/generate-member-remediation.ts');
