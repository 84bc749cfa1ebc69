/**
 * Writes stacksets/member-remediation.yaml from the remediation documents the rules name (rules/*\/rule.json,
 * remediations/<folder>/document.yaml), and remediations/lib/document-digests.ts (the digest of every document, which the Lambdas compare with the
 * version an execution ran).
 *
 *   npx tsx scripts/generate-member-remediation.ts           write both
 *   npx tsx scripts/generate-member-remediation.ts --check   exit 1 if the committed template is out of date
 */

import { loadDocuments } from '../remediations/lib/documents';
import { RULES } from '../rules';
import {
  DOCUMENT_DIGESTS_FILE,
  generateMemberRemediation,
  MEMBER_REMEDIATION_FILE,
  memberRemediationDocuments,
  renderDocumentDigests,
  renderMemberRemediation,
} from '../stacksets/generate-member-remediation';
import { writeOrCheck } from './lib/write-or-check';

const all = loadDocuments();
const documents = memberRemediationDocuments(
  RULES.map((rule) => rule.metadata),
  all,
);
const text = renderMemberRemediation(generateMemberRemediation(documents));

writeOrCheck(`stacksets/${MEMBER_REMEDIATION_FILE}`, text, 'scripts/generate-member-remediation.ts');
writeOrCheck(DOCUMENT_DIGESTS_FILE, renderDocumentDigests(all), 'scripts/generate-member-remediation.ts');
