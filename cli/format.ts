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

type Style = Exclude<keyof typeof ANSI, 'reset'>;

function painter(color: boolean) {
  return (text: string, ...styles: Style[]) =>
    color && styles.length > 0 ? `${styles.map((s) => ANSI[s]).join('')}${text}${ANSI.reset}` : text;
}

/** Short, so the account table fits 120 columns (the legend under it spells them out). */
export const VERDICT_LABELS: Record<Verdict, string> = {
  COMPLIANT: 'ok',
  NON_COMPLIANT: 'FAIL',
  NOT_APPLICABLE: 'N/A',
  NO_FACTS: 'no facts',
};

/** The text report's width: tables and wrapped reasons fit it. */
export const TEXT_WIDTH = 120;
const NAME_WIDTH = 16;
const OU_PATH_WIDTH = 24;
/** What the name and OU path columns may shrink to when many rules need the room. */
const MIN_NAME_WIDTH = 10;
const MIN_OU_PATH_WIDTH = 12;

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
const TABLE_STYLE = { head: [], border: [], compact: true };

function percent(value: number | null): string {
  return value === null ? '–' : `${value}%`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function failedAccounts(report: ScanReport, paint: ReturnType<typeof painter>): string[] {
  const failures = report.failures ?? [];
  if (failures.length === 0) return [];
  const lines = [paint(`Accounts that could not be judged (${failures.length})`, 'bold')];
  for (const f of failures) {
    const line = wrap(`[${f.name}] Account ${f.accountId}: ${f.error}`, TEXT_WIDTH - 4, '    ');
    lines.push(`  ${paint('!', 'red')} ${line}`);
  }
  return [lines.join('\n')];
}

/**
 * The account table within TEXT_WIDTH: drawn once at the usual widths; when the rule columns need the room, drawn
 * again with the OU path (its start truncated) narrower first, then the name.
 */
function accountTable(report: ScanReport, paint: ReturnType<typeof painter>): string {
  const first = drawAccountTable(report, paint, NAME_WIDTH, OU_PATH_WIDTH);
  const over =
    Math.max(...first.split('\n').map((line) => [...line.replace(ANSI_CODES, '')].length)) - TEXT_WIDTH;
  if (over <= 0) return first;
  const ouPath = Math.max(MIN_OU_PATH_WIDTH, OU_PATH_WIDTH - over);
  const name = Math.max(MIN_NAME_WIDTH, NAME_WIDTH - (over - (OU_PATH_WIDTH - ouPath)));
  return drawAccountTable(report, paint, name, ouPath);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape that starts every ANSI colour code
const ANSI_CODES = /\u001b\[[0-9;]*m/g;

function drawAccountTable(
  report: ScanReport,
  paint: ReturnType<typeof painter>,
  NAME_WIDTH: number,
  OU_PATH_WIDTH: number,
): string {
  const ruleIds = report.rules.map((rule) => rule.id);
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
      truncate(row.name, NAME_WIDTH),
      truncateStart(row.ouPath, OU_PATH_WIDTH),
      ...ruleIds.map((id) => cell(row, id)),
    ]);
  }
  // scan --org: an account that could not be read is a row too, its error across the rule columns.
  for (const failure of report.failures ?? []) {
    table.push([
      failure.accountId,
      truncate(failure.name, NAME_WIDTH),
      truncateStart(failure.ouPath, OU_PATH_WIDTH),
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
      const line = wrap(`[${result.accountName}] ${result.annotation}`, TEXT_WIDTH - 4, '    ');
      lines.push(`  ${paint('✗', 'red')} ${line}`);
    }
  }
  return lines.join('\n');
}

/** The human report: header, one row per account, the per-rule summary, then every failure's annotation. */
export function formatText(report: ScanReport, options: TextFormatOptions): string {
  const paint = painter(options.color);
  const { organization, summary } = report;
  const name = organization.name ? ` "${organization.name}"` : '';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
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
      ? ` ${paint(`${report.failures.length} account${report.failures.length === 1 ? '' : 's'} could not be judged.`, ...(report.failures.length > 0 ? (['red', 'bold'] as Style[]) : []))}`
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
