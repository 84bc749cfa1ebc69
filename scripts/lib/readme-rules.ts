/**
 * README.md's rule and parameter tables, generated from rule.json (issue 12, part 1) so a new rule is listed
 * without editing the README by hand; the prose around them (how each rule decides) stays hand-written. Pure:
 * the caller passes README's current text.
 */
import { COMMON_PARAMETERS, type ParameterDefinition, type RuleMetadata } from '../../lib/rule-metadata';
import { markdownMarkers, replaceGeneratedBlock } from './generated-block';

export const README_FILE = 'README.md';
export const RULES_MARKERS = markdownMarkers('rules');
export const PARAMETERS_MARKERS = markdownMarkers('rule-parameters');

/** A table cell: pipes escaped, so a description can never break the table. */
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** Padded as Biome formats Markdown tables, so `biome check --write` and the generator agree on the text. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const body = [header, ...rows].map((cells) => cells.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...body.map((cells) => [...(cells[i] ?? '')].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, i) => text + ' '.repeat((widths[i] ?? 0) - [...text].length)).join(' | ')} |`;
  const [head = [], ...rest] = body;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rest.map(line)].join('\n');
}

function typeOf(def: ParameterDefinition): string {
  const range =
    def.minimum !== undefined || def.maximum !== undefined
      ? ` (${def.minimum ?? ''}–${def.maximum ?? ''})`
      : '';
  return `${def.type}${range}`;
}

const parameterRow = (rule: string, def: ParameterDefinition) => [
  rule,
  `\`${def.name}\``,
  typeOf(def),
  def.default === undefined ? 'blank' : `\`${def.default}\``,
  def.description,
];

export function rulesTable(rules: readonly RuleMetadata[]): string {
  return table(
    ['Rule (Config name `rootguard-<id>`)', 'Checks', 'Severity', 'Remediation'],
    rules.map((m) => [`[\`${m.id}\`](#${m.id})`, m.title, m.severity, `\`${m.remediation.documentId}\``]),
  );
}

export function parametersTable(rules: readonly RuleMetadata[]): string {
  return table(
    ['Rule', 'Parameter', 'Type', 'Default', 'Meaning'],
    [
      ...COMMON_PARAMETERS.map((def) => parameterRow('every rule', def)),
      ...rules.flatMap((m) => m.parameters.map((def) => parameterRow(`\`${m.id}\``, def))),
    ],
  );
}

export function generateReadme(readme: string, rules: readonly RuleMetadata[]): string {
  const withRules = replaceGeneratedBlock(readme, RULES_MARKERS, rulesTable(rules));
  return replaceGeneratedBlock(withRules, PARAMETERS_MARKERS, parametersTable(rules));
}
