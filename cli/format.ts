/** Printing a scan report: tables for people (cli-table3, colour only on a TTY) or JSON for machines. */
import Table from 'cli-table3';
import type { AccountRow, ScanReport, Verdict } from './scan';

export interface TextFormatOptions {
  /** ANSI colours; the CLI turns them on only when stdout is a TTY (and NO_COLOR is unset). */
  color: boolean;
}

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  gray: '\u001b[90m',
  reset: '\u001b[0m',
} as const;

export type Style = Exclude<keyof typeof ANSI, 'reset'>;

export function painter(color: boolean) {
  return (text: string, ...styles: Style[]) =>
    color && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
}

/** Short, so the account table fits 120 columns with five rules (the legend under it spells them out). */
export const VERDICT_LABELS: Record<Verdict, string> = {
  COMPLIANT: 'ok',
  NON_COMPLIANT: 'FAIL',
  NOT_APPLICABLE: 'N/A',
  NO_FACTS: 'no facts',
};

/** The text report's width: tables and wrapped reasons fit it. */
export const TEXT_WIDTH = 120;
/** The account name column's widest (custody diff's table too). */
export const NAME_WIDTH = 16;
const OU_PATH_WIDTH = 24;
/** The OU path gives way to rule columns down to this (its end is kept, the start elided), then the name. */
const MIN_OU_PATH_WIDTH = 10;
const MIN_NAME_WIDTH = 10;
/** Account ids are 12 digits. */
const ACCOUNT_WIDTH = 12;

/** A rule column's header: the id without `root-`, one word a line. */
export function ruleHeader(ruleId: string): string {
  return ruleId
    .replace(/^root-/, '')
    .split('-')
    .join('\n');
}

/** Wraps `text` at spaces to `width`, continuation lines indented by `indent`. Long words are left whole. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    const limit = lines.length === 0 ? width : width - indent.length;
    if (candidate.length > limit && line !== '') {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join('\n');
}

/** One entry of a list under a heading: `  <mark> <text>`, the text wrapped to TEXT_WIDTH under its first word. */
export function listItem(mark: string, text: string): string {
  return `  ${mark} ${wrap(text, TEXT_WIDTH - 4, '    ')}`;
}

/** Keeps the end of an OU path, where the account's own OU is. */
function truncateStart(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

const VERDICT_STYLES: Record<Verdict, Style[]> = {
  COMPLIANT: ['green'],
  NON_COMPLIANT: ['red', 'bold'],
  NOT_APPLICABLE: ['gray'],
  NO_FACTS: ['yellow'],
};

/** No colour from cli-table3 itself (styling is ours, and only when asked for); no rule between rows. */
export const TABLE_STYLE = { head: [], border: [], compact: true };

function percent(value: number | null): string {
  return value === null ? '–' : `${value}%`;
}

/** `1 account`, `2 accounts`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function failedAccounts(report: ScanReport, paint: ReturnType<typeof painter>): string[] {
  const failures = report.failures ?? [];
  if (failures.length === 0) return [];
  const lines = [paint(`Accounts that could not be judged (${failures.length})`, 'bold')];
  for (const f of failures) {
    lines.push(listItem(paint('!', 'red'), `[${f.name}] Account ${f.accountId}: ${f.error}`));
  }
  return [lines.join('\n')];
}

/**
 * How wide the name and OU path columns may be so the table fits TEXT_WIDTH: what the rule columns leave (each as
 * wide as its longest header word or verdict label, plus padding and border). Each column is only as wide as its
 * longest value (at most NAME_WIDTH and OU_PATH_WIDTH); when rules need the room the OU path gives way first (its end
 * is kept), then the name.
 */
function accountColumnWidths(report: ScanReport): { name: number; ouPath: number } {
  const cellWidth = (text: string) => text.length + 3; // one space each side and the border after it
  const rules = report.rules.reduce((sum, rule) => {
    const labels = report.accounts.map((row) => VERDICT_LABELS[row.verdicts[rule.id] ?? 'NO_FACTS']);
    const words = ruleHeader(rule.id).split('\n');
    return sum + Math.max(...[...labels, ...words].map(cellWidth));
  }, 0);
  const rows = [...report.accounts, ...(report.failures ?? [])];
  const longest = (header: string, values: string[], max: number) =>
    Math.min(max, Math.max(header.length, ...values.map((v) => v.length)));
  const name = longest(
    'Name',
    rows.map((r) => r.name),
    NAME_WIDTH,
  );
  const ouPath = longest(
    'OU path',
    rows.map((r) => r.ouPath),
    OU_PATH_WIDTH,
  );
  const room = TEXT_WIDTH - (1 + cellWidth('x'.repeat(ACCOUNT_WIDTH)) + 3 + 3) - rules;
  if (name + ouPath <= room) return { name, ouPath };
  const ou = Math.max(MIN_OU_PATH_WIDTH, room - name);
  return { name: Math.max(MIN_NAME_WIDTH, Math.min(name, room - ou)), ouPath: ou };
}

function accountTable(report: ScanReport, paint: ReturnType<typeof painter>): string {
  const ruleIds = report.rules.map((rule) => rule.id);
  const { name: nameWidth, ouPath: ouWidth } = accountColumnWidths(report);
  const table = new Table({
    head: ['Account', 'Name', 'OU path', ...ruleIds.map(ruleHeader)].map((h) => paint(h, 'bold')),
    style: TABLE_STYLE,
  });
  const cell = (row: AccountRow, ruleId: string) => {
    const verdict = row.verdicts[ruleId] ?? 'NO_FACTS';
    return paint(VERDICT_LABELS[verdict], ...VERDICT_STYLES[verdict]);
  };
  for (const row of report.accounts) {
    table.push([
      row.accountId,
      truncate(row.name, nameWidth),
      truncateStart(row.ouPath, ouWidth),
      ...ruleIds.map((id) => cell(row, id)),
    ]);
  }
  // scan --org: an account that could not be read is a row too, its error across the rule columns.
  for (const failure of report.failures ?? []) {
    table.push([
      failure.accountId,
      truncate(failure.name, nameWidth),
      truncateStart(failure.ouPath, ouWidth),
      // The whole error is under "Accounts that could not be judged".
      {
        colSpan: ruleIds.length,
        content: paint(`FAILED: ${truncate(failure.error, 11 * ruleIds.length - 11)}`, 'red'),
      },
    ]);
  }
  const legend = paint('ok = COMPLIANT · FAIL = NON_COMPLIANT · N/A = NOT_APPLICABLE', 'dim');
  return `${table.toString()}\n${legend}`;
}

function summaryTable(report: ScanReport, paint: ReturnType<typeof painter>): string {
  const table = new Table({
    head: ['Rule', 'Severity', 'Compliant', 'Non-compliant', 'Not applicable', 'No facts', '% compliant'].map(
      (h) => paint(h, 'bold'),
    ),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: TABLE_STYLE,
  });
  const count = (n: number, ...styles: Style[]) => (n > 0 ? paint(String(n), ...styles) : String(n));
  for (const rule of report.summary.rules) {
    table.push([
      rule.ruleId,
      rule.severity,
      count(rule.compliant, 'green'),
      count(rule.nonCompliant, 'red', 'bold'),
      String(rule.notApplicable),
      count(rule.noFacts, 'yellow'),
      percent(rule.percentCompliant),
    ]);
  }
  return table.toString();
}

function findings(report: ScanReport, paint: ReturnType<typeof painter>): string {
  const failing = report.results.filter((r) => r.complianceType === 'NON_COMPLIANT');
  if (failing.length === 0) return paint('No NON_COMPLIANT results.', 'green');
  const lines = [paint(`NON_COMPLIANT results (${failing.length})`, 'bold')];
  for (const rule of report.rules) {
    const mine = failing.filter((r) => r.ruleId === rule.id);
    if (mine.length === 0) continue;
    lines.push(
      '',
      `${paint(rule.id, 'bold')} ${wrap(`(${rule.severity}): ${rule.title}`, TEXT_WIDTH - rule.id.length - 1, '  ')}`,
    );
    for (const result of mine) {
      lines.push(listItem(paint('✗', 'red'), `[${result.accountName}] ${result.annotation}`));
    }
  }
  return lines.join('\n');
}

/** The human report: header, one row per account, the per-rule summary, then every failure's annotation. */
export function formatText(report: ScanReport, options: TextFormatOptions): string {
  const paint = painter(options.color);
  const { organization, summary } = report;
  const name = organization.name ? ` "${organization.name}"` : '';
  const header = [
    paint(`rootguard scan: organization ${organization.id}${name}`, 'bold'),
    `management account ${organization.managementAccountId} · ${plural(summary.accounts, 'account')} · ` +
      `${plural(report.rules.length, 'rule')} · facts as of ${report.evaluationTime}`,
  ].join('\n');
  const t = summary.totals;
  const totals =
    `Totals: ${paint(`${t.compliant} compliant`, 'green')}, ` +
    `${paint(`${t.nonCompliant} non-compliant`, ...(t.nonCompliant > 0 ? (['red', 'bold'] as Style[]) : []))}, ` +
    `${t.notApplicable} not applicable, ${t.noFacts} without facts.` +
    (report.failures
      ? ` ${paint(`${plural(report.failures.length, 'account')} could not be judged.`, ...(report.failures.length > 0 ? (['red', 'bold'] as Style[]) : []))}`
      : '') +
    (report.interrupted
      ? ` ${paint(`Interrupted: ${report.interrupted.notJudged} account(s) not judged.`, 'yellow', 'bold')}`
      : '');
  return [
    header,
    accountTable(report, paint),
    paint('Summary by rule', 'bold'),
    summaryTable(report, paint),
    totals,
    findings(report, paint),
    ...failedAccounts(report, paint),
  ].join('\n\n');
}

/** `--format json`: every evaluation and the summary. */
export function formatJson(report: ScanReport): string {
  const output = {
    results: report.results.map(({ accountId, ruleId, complianceType, annotation }) => ({
      accountId,
      ruleId,
      complianceType,
      annotation,
    })),
    summary: report.summary,
    ...(report.failures ? { failures: report.failures } : {}),
    ...(report.interrupted ? { interrupted: report.interrupted } : {}),
  };
  return JSON.stringify(output, null, 2);
}
