/**
 * Framework mappings: which requirement of which framework version each rule helps prove. The mappings live in
 * `conformance-packs/frameworks/<framework>-<version>.json` (ARCHITECTURE.md, convention 4); rules never mention them.
 *
 * Every file is imported statically here, so esbuild bundles them into any Lambda that imports this module and
 * nothing reads the file system at run time. No AWS SDK, no environment. Adding a framework file: one import
 * and one entry in FRAMEWORK_FILES.
 */

import * as z from 'zod';
import securityHubControls from '../conformance-packs/frameworks/aws-security-hub-controls.json';
import cis140 from '../conformance-packs/frameworks/cis-aws-foundations-1.4.0.json';
import cis300 from '../conformance-packs/frameworks/cis-aws-foundations-3.0.0.json';
import cis500 from '../conformance-packs/frameworks/cis-aws-foundations-5.0.0.json';
import cis600 from '../conformance-packs/frameworks/cis-aws-foundations-6.0.0.json';
import cis700 from '../conformance-packs/frameworks/cis-aws-foundations-7.0.0.json';
import pciDss40 from '../conformance-packs/frameworks/pci-dss-4.0.json';

/** Security Hub's ASFF `Compliance.RelatedRequirements`: at most 32 entries (API reference), each kept ≤ 64 chars. */
export const MAX_RELATED_REQUIREMENTS = 32;
export const MAX_RELATED_REQUIREMENT_LENGTH = 64;

const RULE_ID = /^[a-z][a-z0-9-]{2,62}$/;

export const frameworkRequirementSchema = z
  .object({
    /** The framework's own id: `1.4`, `2.1.1`, `10.4.1.1`, `IAM.4`. */
    id: z.string().regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/, 'requirement ids are dotted, e.g. 1.4 or IAM.4'),
    title: z.string().min(5).max(256),
    /** Rules whose evaluation is evidence for this requirement. Empty: listed to say the requirement is not covered. */
    ruleIds: z.array(z.string().regex(RULE_ID, 'rule ids are lower-case folder names')),
    /** Why the mapping holds, or where it is partial. */
    note: z.string().min(10).optional(),
  })
  .strict()
  .refine((r) => r.ruleIds.length > 0 || r.note !== undefined, {
    message: 'a requirement no rule covers needs a note saying why',
  })
  .refine((r) => new Set(r.ruleIds).size === r.ruleIds.length, { message: 'a rule id is listed twice' });

export const frameworkFileSchema = z
  .object({
    framework: z.string().min(2),
    version: z.string().min(1),
    /** Prefix of the RelatedRequirements entries; default `<framework> v<version>`. */
    label: z.string().min(2).optional(),
    /** Where the requirement ids and titles come from (URL or document name). */
    source: z.string().min(10),
    /** What was checked against which public source, and what was not. */
    verified: z.string().min(10),
    requirements: z.array(frameworkRequirementSchema).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.requirements.forEach((r, index) => {
      if (seen.has(r.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['requirements', index, 'id'],
          message: `duplicate id ${r.id}`,
        });
      }
      seen.add(r.id);
    });
  });

export type FrameworkFile = z.infer<typeof frameworkFileSchema>;

/** One requirement a rule maps to, with the framework it belongs to. */
export interface FrameworkRequirement {
  framework: string;
  version: string;
  id: string;
  title: string;
}

/** Validates one framework file's content; `where` names it in the error. */
export function loadFrameworkFile(raw: unknown, where: string): FrameworkFile {
  const parsed = frameworkFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid framework mapping ${where}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The file names the framework files are imported from, in the order reports and findings list them. */
export const FRAMEWORK_FILES: ReadonlyArray<{ file: string; content: unknown }> = [
  { file: 'cis-aws-foundations-1.4.0.json', content: cis140 },
  { file: 'cis-aws-foundations-3.0.0.json', content: cis300 },
  { file: 'cis-aws-foundations-5.0.0.json', content: cis500 },
  { file: 'cis-aws-foundations-6.0.0.json', content: cis600 },
  { file: 'cis-aws-foundations-7.0.0.json', content: cis700 },
  { file: 'pci-dss-4.0.json', content: pciDss40 },
  { file: 'aws-security-hub-controls.json', content: securityHubControls },
];

export const FRAMEWORKS: readonly FrameworkFile[] = FRAMEWORK_FILES.map(({ file, content }) =>
  loadFrameworkFile(content, `conformance-packs/frameworks/${file}`),
);

/** `CIS AWS Foundations Benchmark v1.4.0`, or the file's `label`. */
export function frameworkLabel(file: Pick<FrameworkFile, 'framework' | 'version' | 'label'>): string {
  return file.label ?? `${file.framework} v${file.version}`;
}

/** Dotted ids in numeric order where their parts are numbers: 1.4 < 1.10 < 2.1.1; IAM.4 < IAM.10. */
export function compareRequirementIds(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const bothNumeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = bothNumeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Every requirement `ruleId` maps to, framework files in FRAMEWORK_FILES order, requirements in id order.
 * An unknown rule id maps to nothing.
 */
export function requirementsForRule(
  ruleId: string,
  frameworks: readonly FrameworkFile[] = FRAMEWORKS,
): FrameworkRequirement[] {
  return frameworks.flatMap((file) =>
    file.requirements
      .filter((r) => r.ruleIds.includes(ruleId))
      .sort((a, b) => compareRequirementIds(a.id, b.id))
      .map((r) => ({ framework: file.framework, version: file.version, id: r.id, title: r.title })),
  );
}

/**
 * Security Hub `Compliance.RelatedRequirements` for a rule's findings, in Security Hub's own format
 * (`CIS AWS Foundations Benchmark v1.4.0/1.6`): deterministic order, no duplicates, each entry at most 64
 * characters and at most 32 entries (the contract tests keep every rule inside both limits; the cut is only a
 * guard so a finding is never rejected).
 */
export function relatedRequirements(
  ruleId: string,
  frameworks: readonly FrameworkFile[] = FRAMEWORKS,
): string[] {
  const entries: string[] = [];
  for (const file of frameworks) {
    const label = frameworkLabel(file);
    for (const requirement of requirementsForRule(ruleId, [file])) {
      const entry = `${label}/${requirement.id}`;
      if (entry.length > MAX_RELATED_REQUIREMENT_LENGTH) {
        throw new Error(
          `RelatedRequirements entry "${entry}" is longer than ${MAX_RELATED_REQUIREMENT_LENGTH}`,
        );
      }
      if (!entries.includes(entry)) entries.push(entry);
    }
  }
  return entries.slice(0, MAX_RELATED_REQUIREMENTS);
}
