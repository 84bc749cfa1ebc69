/**
 * Every file rootguard generates, with the text it should have now. The generators' logic stays with what they
 * generate (conformance-packs/generate.ts, stacksets/generate-member-remediation.ts); this list is the one place
 * that says which files exist and from what, for `npm run generate` (scripts/generate.ts) and for
 * test/contract/generated.test.ts, which fails on a stale one.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateConformancePack, PACK_FILE, renderConformancePack } from '../../conformance-packs/generate';
import {
  generateRulesDeployment,
  loadRuleDeclarations,
  RULES_DEPLOYMENT_FILE,
  type RuleDeclaration,
  renderRulesDeployment,
} from '../../deploy/generate-rules';
import { loadDocuments } from '../../remediations/lib/documents';
import { RULES } from '../../rules';
import {
  generateManagementAccount,
  MANAGEMENT_ACCOUNT_FILE,
} from '../../stacksets/generate-management-account';
import { generateMemberAccount, MEMBER_ACCOUNT_FILE } from '../../stacksets/generate-member-account';
import {
  DOCUMENT_DIGESTS_FILE,
  generateMemberRemediation,
  MEMBER_REMEDIATION_FILE,
  memberRemediationDocuments,
  renderDocumentDigests,
  renderMemberRemediation,
} from '../../stacksets/generate-member-remediation';
import { FACTS_SCHEMAS_FILE, renderFactsSchemas } from './facts-schemas';
import { generateReadme, README_FILE } from './readme-rules';

/** The command that rewrites every generated file; named in stale-file messages and in the files' headers. */
export const GENERATE_COMMAND = 'npm run generate';

export interface GeneratedFile {
  /** Relative to the repository root. */
  file: string;
  text: string;
}

const ROOT = resolve(__dirname, '..', '..');

/** Every registered rule (rules/index.ts) with its rules/<id>/deploy.json. */
export const registeredRules = (): RuleDeclaration[] =>
  loadRuleDeclarations(RULES.map((rule) => rule.metadata));

/**
 * Reads remediations/*\/document.yaml and the templates with generated blocks; writes nothing. `declarations`:
 * the registered rules, or (test/contract/adding-a-rule.test.ts) those plus a throwaway fixture rule.
 */
export function generatedFiles(
  declarations: readonly RuleDeclaration[] = registeredRules(),
): GeneratedFile[] {
  const metadata = declarations.map((rule) => rule.metadata);
  const documents = loadDocuments();
  return [
    {
      // Per rule: function, role, Config permission and rule, output, stack parameters (serverless.yml includes it).
      file: RULES_DEPLOYMENT_FILE,
      text: renderRulesDeployment(generateRulesDeployment(declarations)),
    },
    {
      // The member execution role's trust list and reads, blocks inside the hand-written template.
      file: MEMBER_ACCOUNT_FILE,
      text: generateMemberAccount(readFileSync(join(ROOT, MEMBER_ACCOUNT_FILE), 'utf8'), declarations),
    },
    {
      // The management account's forwarding patterns, blocks inside the hand-written template, from the JSON
      // files the central stack's rules load.
      file: MANAGEMENT_ACCOUNT_FILE,
      text: generateManagementAccount(readFileSync(join(ROOT, MANAGEMENT_ACCOUNT_FILE), 'utf8')),
    },
    {
      // The facts file's schema per rule: one import of each rule folder's facts.ts.
      file: FACTS_SCHEMAS_FILE,
      text: renderFactsSchemas(metadata.map((m) => m.id)),
    },
    {
      // README's rule and parameter tables, blocks inside the hand-written README.
      file: README_FILE,
      text: generateReadme(readFileSync(join(ROOT, README_FILE), 'utf8'), metadata),
    },
    {
      // The organization conformance pack: every rule with its remediation configuration.
      file: `conformance-packs/${PACK_FILE}`,
      text: renderConformancePack(generateConformancePack(metadata, documents)),
    },
    {
      // What a remediation needs in each member account: the documents the rules name, the Automation role.
      file: `stacksets/${MEMBER_REMEDIATION_FILE}`,
      text: renderMemberRemediation(
        generateMemberRemediation(memberRemediationDocuments(metadata, documents)),
      ),
    },
    {
      // The digest of every document, which the remediation Lambdas compare with the version an execution ran.
      file: DOCUMENT_DIGESTS_FILE,
      text: renderDocumentDigests(documents),
    },
  ];
}
