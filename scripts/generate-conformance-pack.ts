/**
 * Writes conformance-packs/rootguard-root-protection.yaml from the rule registry (rules/*\/rule.json) and the
 * remediation documents they name (remediations/*\/document.yaml).
 *
 *   npx tsx scripts/generate-conformance-pack.ts           write the pack
 *   npx tsx scripts/generate-conformance-pack.ts --check   exit 1 if the committed pack is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateConformancePack, PACK_FILE, renderConformancePack } from '../conformance-packs/generate';
import { RULES } from '../lib/rule-registry';
import { loadDocuments } from '../remediations/lib/documents';

const path = join(resolve(__dirname, '..'), 'conformance-packs', PACK_FILE);
const text = renderConformancePack(
  generateConformancePack(
    RULES.map((rule) => rule.metadata),
    loadDocuments(),
  ),
);

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // A missing file is simply out of date.
  }
  if (committed !== text) {
    console.error(
      `conformance-packs/${PACK_FILE} is out of date: run npx tsx scripts/generate-conformance-pack.ts`,
    );
    process.exit(1);
  }
  console.log(`conformance-packs/${PACK_FILE} is up to date`);
} else {
  writeFileSync(path, text);
  console.log(`wrote conformance-packs/${PACK_FILE}`);
}
