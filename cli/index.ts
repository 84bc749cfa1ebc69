/**
 * The `rootguard` command.
 *
 *   rootguard scan --facts <file> [--rule <id>...] [--account <id>...] [--format table|json]
 *                  [--fail-on-noncompliant]
 *   rootguard scan --org [--ou <ou-id>...] [--account <id>...] [--rule <id>...] [--role-name <name>]
 *                  [--concurrency <n>] [--save-facts <file>] [--region <region>] [--format table|json]
 *                  [--fail-on-noncompliant]
 *
 * Exit codes: 0 done; 1 bad input (missing or invalid facts file, unknown rule or account, bad parameters);
 * 2 with --fail-on-noncompliant when any result is NON_COMPLIANT (with --org: or any account could not be
 * read); 130 when a --org sweep was interrupted (Ctrl-C), after printing what was judged.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { RootGuardError } from '../lib/errors';
import { version } from '../package.json';
import type { ReportLiveIo } from '../report/sources/live';
import { RULE_IDS } from '../rules';
import { CliError } from './errors';
import { formatJson, formatText } from './format';
// cli/org-scan.ts (and with it the AWS SDK) is loaded only by `scan --org`: `scan --facts` stays offline.
import type { OrgScanIo } from './org-scan';
import { DEFAULT_CONCURRENCY, DEFAULT_EXECUTION_ROLE_NAME } from './org-scan-defaults';
import { registerReportCommand } from './report';
import { hasNonCompliant, type ScanReport, scanFacts, scanFactsFile } from './scan';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_NON_COMPLIANT = 2;
export const EXIT_INTERRUPTED = 130;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour the table output (stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
  /** Show the --org progress line (stderr is a TTY). */
  progress?: boolean;
  /** Aborted on Ctrl-C: a --org sweep stops and prints what it judged. */
  signal?: AbortSignal;
  /** The --org sweep's I/O (tests); default: the SDK's default credentials and region. */
  orgScanIo?: (region: string | undefined) => OrgScanIo;
  /** `report`'s live reads (tests); default: the SDK's default credentials and region. */
  reportLiveIo?: (region: string | undefined) => ReportLiveIo;
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  progress: Boolean(process.stderr.isTTY),
});

interface ScanCommandOptions {
  facts?: string;
  org?: boolean;
  ou?: string[];
  roleName: string;
  concurrency: string;
  saveFacts?: string;
  region?: string;
  param?: string[];
  rule?: string[];
  account?: string[];
  format: 'table' | 'json';
  failOnNoncompliant?: boolean;
}

/** `--rule a b`, `--rule a --rule b` and `--rule a,b` all mean the same. */
const splitList = (values: string[] | undefined): string[] | undefined =>
  values
    ?.flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);

export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('rootguard')
    .description('Prove the AWS root user is locked down, watched and idle across an AWS Organization.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();

  program
    .command('scan')
    .description(
      'Evaluate saved facts (--facts, e.g. examples/sample-org.json) offline, or a live organization (--org, ' +
        'with management-account or delegated-admin credentials), with every rule, using the same collect and ' +
        'evaluate functions as the Config rule Lambdas.',
    )
    .option('--facts <file>', 'facts file (JSON) to evaluate')
    .option('--org', 'read the organization of the current credentials and judge every ACTIVE account')
    .option('--ou <id...>', 'with --org: only accounts under these OUs (child OUs included)')
    .option(
      '--role-name <name>',
      'with --org: the execution role to assume in each account',
      DEFAULT_EXECUTION_ROLE_NAME,
    )
    .option('--concurrency <n>', 'with --org: accounts read at once', String(DEFAULT_CONCURRENCY))
    .option('--save-facts <file>', 'with --org: write the collected facts (scan --facts reads them back)')
    .option('--region <region>', 'with --org: the Region to read (default: AWS_REGION, else us-east-1)')
    .option(
      '--param <rule-id.Name=value...>',
      'with --org: a rule parameter as Config would pass it, e.g. root-user-idle.MaxDaysSinceLastUse=30',
    )
    .option('--rule <id...>', `only these rules (${RULE_IDS.join(', ')})`)
    .option('--account <id...>', 'only these accounts')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option(
      '--fail-on-noncompliant',
      `exit ${EXIT_NON_COMPLIANT} when any result is NON_COMPLIANT (or, with --org, any account could not be read)`,
    )
    .action(async (options: ScanCommandOptions) => {
      if (Boolean(options.facts) === Boolean(options.org)) {
        throw new CliError('scan needs exactly one of --facts <file> or --org');
      }
      const report = options.facts
        ? scanFactsFile(options.facts, {
            ruleIds: splitList(options.rule),
            accountIds: splitList(options.account),
          })
        : await scanOrg(options, io);
      const output = options.format === 'json' ? formatJson(report) : formatText(report, { color: io.color });
      io.stdout(`${output}\n`);
      if (report.interrupted) setExitCode(EXIT_INTERRUPTED);
      else setExitCode(options.failOnNoncompliant && hasNonCompliant(report) ? EXIT_NON_COMPLIANT : EXIT_OK);
    });

  registerReportCommand(program, io, setExitCode);
  return program;
}

/** `--param root-user-idle.MaxDaysSinceLastUse=30` → { 'root-user-idle': { MaxDaysSinceLastUse: '30' } }. */
export function parseParams(values: readonly string[]): Record<string, Record<string, string>> {
  const params: Record<string, Record<string, string>> = {};
  for (const value of values) {
    const match = /^([a-z0-9-]+)\.([A-Za-z0-9]+)=(.*)$/s.exec(value);
    if (!match) throw new CliError(`--param ${value}: expected <rule-id>.<Name>=<value>`);
    const [, ruleId, name, raw] = match as unknown as [string, string, string, string];
    if (!RULE_IDS.includes(ruleId)) {
      throw new CliError(`--param ${value}: unknown rule ${ruleId}; known rules: ${RULE_IDS.join(', ')}`);
    }
    params[ruleId] = { ...params[ruleId], [name]: raw };
  }
  return params;
}

async function scanOrg(options: ScanCommandOptions, io: CliIo): Promise<ScanReport> {
  const concurrency = Number(options.concurrency);
  const ruleIds = splitList(options.rule);
  const { defaultOrgScanIo, formatProgress, scanOrganization } = await import('./org-scan');
  const base = (io.orgScanIo ?? defaultOrgScanIo)(options.region);
  let lastProgress = 0;
  const result = await scanOrganization(
    {
      ...base,
      signal: io.signal ?? base.signal,
      onProgress: io.progress
        ? (progress) => {
            const now = Date.now();
            // At most ten redraws a second, and always the last one.
            if (progress.done < progress.total && now - lastProgress < 100) return;
            lastProgress = now;
            io.stderr(
              `\r\u001b[2K${formatProgress(progress)}${progress.done === progress.total ? '\n' : ''}`,
            );
          }
        : base.onProgress,
    },
    {
      ouIds: splitList(options.ou),
      accountIds: splitList(options.account),
      ruleIds,
      roleName: options.roleName,
      concurrency,
      ...(options.param?.length ? { ruleParameters: parseParams(options.param) } : {}),
    },
  );
  if (result.interrupted && io.progress) io.stderr('\n');
  if (options.saveFacts) {
    if (result.facts.accounts.length === 0) {
      io.stderr(`rootguard: no account was judged; ${options.saveFacts} not written\n`);
    } else {
      writeFileSync(options.saveFacts, `${JSON.stringify(result.facts, null, 2)}\n`);
    }
  }
  const report = scanFacts(result.facts, { ruleIds });
  report.failures = result.failures;
  report.summary.accountsFailed = result.failures.length;
  if (result.interrupted) report.interrupted = { notJudged: result.notJudged };
  return report;
}

/** Runs the CLI with `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // Commander has already printed its own message (or the help / version text).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError || error instanceof RootGuardError) {
      io.stderr(`rootguard: ${error.message}\n`);
    } else {
      io.stderr(`rootguard: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    return EXIT_ERROR;
  }
}

/** The process entry: Ctrl-C handling, real stdout/stderr, exit code (cli/main.ts, the bin shim's bundle). */
export function main(): void {
  const controller = new AbortController();
  // First Ctrl-C: stop the sweep and print what was judged; a second one ends the process at once.
  process.once('SIGINT', () => {
    process.stderr.write(
      '\nrootguard: interrupted; printing what was judged so far (Ctrl-C again to quit)\n',
    );
    controller.abort();
    process.once('SIGINT', () => process.exit(EXIT_INTERRUPTED));
  });
  run(process.argv, { ...processIo(), signal: controller.signal }).then((code) => {
    process.exitCode = code;
    // Requests still in flight after an interrupt would keep the process alive.
    if (code === EXIT_INTERRUPTED) process.exit(code);
  });
}

if (require.main === module) main();
