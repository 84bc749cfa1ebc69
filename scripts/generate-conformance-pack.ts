/**
 * Writes conformance-packs/rootguard-root-protection.yaml from the rule registry (rules/*\/rule.json) and the
 * remediation documents they name (remediations/*\/document.yaml).
 *
 *   npx tsx scripts/generate-conformance-pack.ts           write the pack
 *   npx tsx scripts/generate-conformance-pack.ts --check   exit 1 if the committed pack is out of date
 */
import { generateConformancePack, PACK_FILE, renderConformancePack } from '../conformance-packs/generate';
import { loadDocuments } from '../remediations/lib/documents';
import { RULES } from '../rules';
import { writeOrCheck } from './lib/write-or-check';

const text = renderConformancePack(
  generateConformancePack(
    RULES.map((rule) => rule.metadata),
    loadDocuments(),
  ),
);

writeOrCheck(`conformance-packs/${PACK_FILE}`, text, 'scripts/generate-conformance-pack.ts');
