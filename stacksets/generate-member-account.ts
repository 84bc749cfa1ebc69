/**
 * The two per-rule parts of stacksets/member-account.yaml, generated from the rule folders (issue 12, part 1):
 * the execution role's trust list (one exact rule-role ARN per registered rule: a prefix with '*' would admit any
 * role an administrator of the tooling account names <prefix>anything) and its read statements (every rule's
 * deploy.json `accountReads`, merged by Sid). The rest of the template stays hand-written; the blocks sit between
 * `# <generated:...>` marker lines. Pure apart from nothing: the caller passes the template's current text.
 */
import { type RuleDeclaration, renderYaml, statement } from '../deploy/generate-rules';
import type { IamStatementDeclaration } from '../lib/rule-deployment';
import { replaceGeneratedBlock, yamlMarkers } from '../scripts/lib/generated-block';

export const MEMBER_ACCOUNT_FILE = 'stacksets/member-account.yaml';
export const TRUST_MARKERS = yamlMarkers('rule-role-arns');
export const READS_MARKERS = yamlMarkers('rule-account-reads');

/**
 * The ARN of a rule's role in the tooling account, as the execution role's trust condition names it.
 * RuleRoleNamePrefix is <stack name>-rule-, so this is the central stack's RoleName (deploy/generate-rules.ts).
 */
export const ruleRoleArn = (ruleId: string) =>
  `arn:\${AWS::Partition}:iam::\${SecurityToolingAccountId}:role/\${RuleRoleNamePrefix}${ruleId}`;

/**
 * Every rule's account reads, one statement per Sid in first-declared order, actions merged without repeats. Two
 * rules may share a Sid only with the same Resource and Condition: merging would otherwise widen one of them.
 */
export function mergeAccountReads(rules: readonly RuleDeclaration[]): IamStatementDeclaration[] {
  const bySid = new Map<string, { merged: IamStatementDeclaration; rules: string[]; whys: string[] }>();
  for (const { metadata, deployment } of rules) {
    for (const read of deployment.accountReads) {
      const seen = bySid.get(read.Sid);
      if (!seen) {
        bySid.set(read.Sid, {
          merged: { ...read, Action: [...read.Action] },
          rules: [metadata.id],
          whys: [],
        });
      } else {
        const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
        if (!same(seen.merged.Resource, read.Resource) || !same(seen.merged.Condition, read.Condition)) {
          throw new Error(
            `${metadata.id}: statement ${read.Sid} differs in Resource or Condition from ${seen.rules[0]}'s`,
          );
        }
        for (const action of read.Action)
          if (!seen.merged.Action.includes(action)) seen.merged.Action.push(action);
        seen.rules.push(metadata.id);
      }
      const entry = bySid.get(read.Sid);
      if (entry && read.Why !== undefined && !entry.whys.includes(read.Why)) entry.whys.push(read.Why);
    }
  }
  return [...bySid.values()].map(({ merged, rules: ids, whys }) => ({
    ...merged,
    Why: [`${ids.join(', ')}.`, ...whys].join(' '),
  }));
}

/** member-account.yaml's text with both generated blocks rewritten. */
export function generateMemberAccount(template: string, rules: readonly RuleDeclaration[]): string {
  const arns = rules.map(({ metadata }) => ({ 'Fn::Sub': ruleRoleArn(metadata.id) }));
  const withTrust = replaceGeneratedBlock(template, TRUST_MARKERS, renderYaml(arns));
  return replaceGeneratedBlock(withTrust, READS_MARKERS, renderYaml(mergeAccountReads(rules).map(statement)));
}
