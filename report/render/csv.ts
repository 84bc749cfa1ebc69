/** The auditor's evidence: one row per account × requirement × rule (csv-stringify quotes what needs it). */
import { stringify } from 'csv-stringify/sync';
import type { ReportData } from '../kpi';

export const CSV_COLUMNS = [
  'account_id',
  'account_name',
  'ou_path',
  'framework',
  'requirement_id',
  'rule_id',
  'status',
  'annotation',
  'last_evaluated',
  'evaluated_in_window',
] as const;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab/CR) as a formula; account names and annotations
 * come from member accounts, so such a cell gets a leading apostrophe (OWASP's CSV injection advice).
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function renderCsv(data: ReportData): string {
  const rows = data.evidence.map((row) =>
    [
      row.accountId,
      row.accountName,
      row.ouPath,
      row.framework,
      row.requirementId,
      row.ruleId,
      row.status,
      row.annotation,
      row.lastEvaluated,
      row.evaluatedInWindow ? 'true' : 'false',
    ].map(neutralizeFormula),
  );
  return stringify([[...CSV_COLUMNS], ...rows], { record_delimiter: 'unix' });
}
