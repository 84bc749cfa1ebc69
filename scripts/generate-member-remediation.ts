/**
 * Writes stacksets/member-remediation.yaml from the remediation documents the rules name (rules/*\/rule.json,
 * remediations/<folder>/document.yaml).
 *
 *   npx tsx scripts/generate-member-remediation.ts           write the template
 *   npx tsx scripts/generate-member-remediation.ts --check   exit 1 if the committed template is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RULES } from '../lib/rule-registry';
import { loadDocuments } from '../remediations/lib/documents';
import {
  generateMemberRemediation,
  MEMBER_REMEDIATION_FILE,
  memberRemediationDocuments,
  renderMemberRemediation,
} from '../stacksets/generate-member-remediation';

const path = join(resolve(__dirname, '..'), 'stacksets', MEMBER_REMEDIATION_FILE);
const documents = memberRemediationDocuments(
  RULES.map((rule) => rule.metadata),
  loadDocuments(),
);
const text = renderMemberRemediation(generateMemberRemediation(documents));

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // A missing file is simply out of date.
  }
  if (committed !== text) {
    console.error(
      `stacksets/${MEMBER_REMEDIATION_FILE} is out of date: run npx tsx scripts/generate-member-remediation.ts`,
    );
    process.exit(1);
  }
  console.log(`stacksets/${MEMBER_REMEDIATION_FILE} is up to date`);
} else {
  writeFileSync(path, text);
  console.log(`wrote stacksets/${MEMBER_REMEDIATION_FILE}`);
}
