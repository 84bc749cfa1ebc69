/**
 * `rootguard report`: the root posture KPIs for auditors, as report.html, report.csv and report.json.
 *
 *   rootguard report (--facts <file> | --aggregator <name>) (--ledger <file.jsonl> | --ledger-table <name>)
 *                    [--quarter 2026-Q3 | --since <date> [--until <date>]] [--as-of <time>]
 *                    [--region <region>] [--out <dir>]
 *
 * Offline (--facts, --ledger) nothing loads the AWS SDK; the live sources (report/sources/live.ts) are
 * imported only when --aggregator or --ledger-table is given. With --aggregator the accounts and their OU paths
 * come from --facts when given, else from Organizations (buildOrgSnapshot).
 */
import type { Command } from 'commander';
import type { LedgerRecord } from '../lib/root-activity-ledger';
import { computeReport, type ReportAccount, type RuleEvaluationRecord } from '../report/kpi';
import { resolvePeriod } from '../report/period';
import { formatDuration, formatPercent } from '../report/render/html';
import { complianceFromFacts } from '../report/sources/facts';
import { loadLedgerFile } from '../report/sources/ledger-file';
import type { ReportLiveIo } from '../report/sources/live';
import { CliError } from './errors';
import { loadFactsFile } from './facts-file';

export const DEFAULT_REPORT_DIR = 'rootguard-report';

interface ReportCommandOptions {
  facts?: string;
  ledger?: string;
  aggregator?: string;
  ledgerTable?: string;
  quarter?: string;
  since?: string;
  until?: string;
  asOf?: string;
  region?: string;
  out: string;
}

export interface ReportCommandIo {
  stdout: (text: string) => void;
  /** The live reads (tests); default: the SDK's default credentials. */
  reportLiveIo?: (region: string | undefined) => ReportLiveIo;
}

function parseAsOf(value: string): Date {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new CliError(`--as-of ${value}: expected an ISO-8601 date-time`);
  }
  return time;
}

export async function runReport(options: ReportCommandOptions, io: ReportCommandIo): Promise<void> {
  if (Boolean(options.facts) === false && Boolean(options.aggregator) === false) {
    throw new CliError('report needs a compliance source: --facts <file> or --aggregator <name>');
  }
  if (Boolean(options.ledger) === Boolean(options.ledgerTable)) {
    throw new CliError(
      'report needs exactly one root activity source: --ledger <file.jsonl> or --ledger-table <name>',
    );
  }
  let live: ReportLiveIo | undefined;
  const needLive = async () => {
    if (!live) {
      const { defaultLiveIo } = await import('../report/sources/live');
      live = (io.reportLiveIo ?? defaultLiveIo)(options.region);
    }
    return live;
  };

  const facts = options.facts ? complianceFromFacts(loadFactsFile(options.facts)) : undefined;
  let organization: { id: string; name?: string };
  let accounts: ReportAccount[];
  let evaluations: RuleEvaluationRecord[];
  let complianceSource: string;
  let defaultAsOf: Date;
  if (options.aggregator) {
    const reader = await needLive();
    const org = facts ?? (await reader.readOrganization());
    organization = org.organization;
    accounts = org.accounts;
    evaluations = await reader.readAggregator(options.aggregator);
    complianceSource = `Config aggregator ${options.aggregator}`;
    defaultAsOf = new Date();
  } else if (facts) {
    ({ organization, accounts, evaluations } = facts);
    complianceSource = `facts file ${options.facts} (evaluated offline)`;
    defaultAsOf = facts.asOf;
  } else {
    throw new CliError('unreachable: no compliance source');
  }

  let ledger: LedgerRecord[];
  let ledgerSource: string;
  if (options.ledgerTable) {
    ledger = await (await needLive()).readLedgerTable(options.ledgerTable);
    ledgerSource = `ledger table ${options.ledgerTable}`;
  } else {
    ledger = loadLedgerFile(options.ledger as string);
    ledgerSource = `ledger export ${options.ledger}`;
  }

  const asOf = options.asOf ? parseAsOf(options.asOf) : defaultAsOf;
  const period = resolvePeriod(options, asOf);
  const data = computeReport({
    organization,
    asOf,
    period,
    accounts,
    evaluations,
    ledger,
    sources: { compliance: complianceSource, ledger: ledgerSource },
  });
  // The renderers (and vega through them) are loaded only once there is something to render.
  const { writeReport } = await import('../report/render');
  const written = writeReport(data, options.out);
  const total = data.activity.total;
  io.stdout(
    [
      `rootguard report: ${data.period.quarters.join(', ')} (${data.accounts} accounts)`,
      `  root hardware MFA coverage ${formatPercent(data.mfa.hardware.organization.percent)}` +
        ` · undocumented sign-ins ${total.signIns.undocumented} · documented ${total.signIns.documented}` +
        ` · MTTA ${formatDuration(data.mtta.meanMs)} (p95 ${formatDuration(data.mtta.p95Ms)})` +
        ` · accounts not evaluated in ${data.evaluationCoverage.windowHours} h ${data.evaluationCoverage.accountsNotEvaluated}`,
      `  wrote ${written.html}`,
      `        ${written.csv}`,
      `        ${written.json}`,
      '',
    ].join('\n'),
  );
}

export function registerReportCommand(
  program: Command,
  io: ReportCommandIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('report')
    .description(
      'Root posture KPIs for auditors (hardware MFA coverage, root sign-ins and API calls per quarter, mean time ' +
        'to alert, evaluation coverage, status per CIS / PCI DSS requirement) as report.html, report.csv and ' +
        'report.json. Offline from a facts file and a ledger export, or live from the tooling account.',
    )
    .option('--facts <file>', "compliance from a facts file, evaluated offline (and the accounts' OU paths)")
    .option(
      '--aggregator <name>',
      'compliance from this Config aggregator (GetAggregateComplianceDetailsByConfigRule)',
    )
    .option('--ledger <file>', 'root activity from a ledger export (JSON Lines, one record a line)')
    .option('--ledger-table <name>', 'root activity from the ledger table (DynamoDB Scan)')
    .option('--quarter <YYYY-QN>', 'the period: one calendar quarter (UTC), e.g. 2026-Q3')
    .option(
      '--since <date>',
      'the period starts here (date or date-time; default: start of the --until quarter)',
    )
    .option('--until <date>', 'the period ends here, exclusive (default: --as-of)')
    .option('--as-of <time>', "the report's now (default: the facts file's evaluationTime, live: now)")
    .option('--region <region>', 'live: the tooling Region (default: AWS_REGION, else us-east-1)')
    .option(
      '--out <dir>',
      'directory to write report.html, report.csv and report.json into',
      DEFAULT_REPORT_DIR,
    )
    .action(async (options: ReportCommandOptions) => {
      await runReport(options, io);
      setExitCode(0);
    });
}
