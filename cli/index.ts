/**
 * The `rootguard` command.
 *
 *   rootguard scan --facts <file> [--rule <id>...] [--account <id>...] [--format table|json]
 *                  [--fail-on-noncompliant]
 *   rootguard scan --org [--ou <ou-id>...] [--account <id>...] [--rule <id>...] [--role-name <name>]
 *                  [--concurrency <n>] [--save-facts <file>] [--region <region>] [--format table|json]
 *                  [--fail-on-noncompliant]
 *
 *   rootguard custody check <file>
 *   rootguard custody diff <file> (--facts <file> | --org [--role-name <name>] [--concurrency <n>] [--region <r>])
 *                  [--account <id>...] [--max-days-since-custody-check <n>] [--format table|json]
 *                  [--fail-on-difference]
 *   rootguard custody publish <file> --bucket <name> [--key <key>] [--kms-key-id <key>] [--ledger-table <name>]
 *                  [--expected-bucket-owner <account-id>] [--region <region>]
 *
 * Exit codes: 0 done; 1 bad input (missing or invalid facts file or custody register, unknown rule or account,
 * bad parameters) or a failed upload; 2 with --fail-on-noncompliant when any result is NON_COMPLIANT (with --org:
 * or any account could not be read), and with custody diff --fail-on-difference when the register and the devices
 * differ (or an account's devices could not be compared); 130 when a --org sweep was interrupted (Ctrl-C), after
 * printing what was judged.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { ClientFactory } from '../lib/clients';
import { InvalidCustodyRegisterError } from '../lib/custody-register';
import { RootGuardError } from '../lib/errors';
import { version } from '../package.json';
import type { ReportLiveIo } from '../report/sources/live';
import { RULE_IDS } from '../rules';
import {
  BACKUP_MFA_RULE_ID,
  DEFAULT_MAX_DAYS_SINCE_CUSTODY_CHECK,
  diffCustody,
  formatDiffJson,
  formatDiffText,
  formatRegisterIssues,
  formatRegisterSummary,
  hasDifferences,
  type InventorySource,
  inventoriesFromFacts,
  type LoadedRegister,
  loadCustodyRegister,
  loadInventoriesFile,
  summarizeRegister,
} from './custody';
import { CliError } from './errors';
import { formatJson, formatText, plural } from './format';
// cli/org-scan.ts (and with it the AWS SDK) is loaded only by `scan --org`: `scan --facts` stays offline.
import type { OrgScanIo } from './org-scan';
import { DEFAULT_CONCURRENCY, DEFAULT_EXECUTION_ROLE_NAME, resolveRegion } from './org-scan-defaults';
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
  /** The clients of `custody publish` (tests: the emulator); default: the SDK's default credentials and region. */
  clientFactory?: (region: string | undefined) => ClientFactory;
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

  addCustodyCommands(program, io, setExitCode);

  registerReportCommand(program, io, setExitCode);
  return program;
}

interface CustodyDiffOptions {
  facts?: string;
  org?: boolean;
  roleName: string;
  concurrency: string;
  region?: string;
  account?: string[];
  maxDaysSinceCustodyCheck?: string;
  format: 'table' | 'json';
  failOnDifference?: boolean;
}

interface CustodyPublishOptions {
  bucket: string;
  key: string;
  ledgerTable?: string;
  kmsKeyId?: string;
  expectedBucketOwner?: string;
  region?: string;
}

/**
 * The register, or undefined after printing each problem as `<file>:<line> <path>: <reason>` (exit 1): a
 * register is refused as a whole, and the person fixing it wants every line at once.
 */
function registerOrProblems(
  file: string,
  io: CliIo,
  setExitCode: (code: number) => void,
): LoadedRegister | undefined {
  try {
    return loadCustodyRegister(file);
  } catch (error) {
    if (!(error instanceof InvalidCustodyRegisterError)) throw error;
    io.stderr(
      `${formatRegisterIssues(error)}\nrootguard: custody register ${file} is invalid ` +
        `(${plural(error.issues.length, 'problem')}); nothing in it is used until every one is fixed\n`,
    );
    setExitCode(EXIT_ERROR);
    return undefined;
  }
}

function positiveInteger(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`${option} must be a positive whole number of days, not ${value}`);
  }
  return n;
}

function addCustodyCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const custody = program
    .command('custody')
    .description(
      'The key custody register (YAML: per account, each root MFA device, its custodian, site, last custody ' +
        'check and status; the management account with a signed-off attestation): check, diff, publish.',
    );

  custody
    .command('check')
    .description(
      'Validate a custody register; every problem is printed as <file>:<line> <path>: <reason> (exit 1).',
    )
    .argument('<file>', 'the register (YAML)')
    .action((file: string) => {
      const loaded = registerOrProblems(file, io, setExitCode);
      if (!loaded) return;
      io.stdout(`${formatRegisterSummary(file, summarizeRegister(loaded.register))}\n`);
      setExitCode(EXIT_OK);
    });

  custody
    .command('diff')
    .description(
      "Compare a custody register with the root users' MFA devices: from saved facts (--facts, the " +
        `${BACKUP_MFA_RULE_ID} facts of scan --org --save-facts) or a live sweep (--org). Lists per account the ` +
        'devices on root the register lacks (unknown), active entries no longer on root (missing), active ' +
        'hardware devices all at one site (same site) and custody checks older than the limit (stale).',
    )
    .argument('<file>', 'the register (YAML)')
    .option('--facts <file>', `facts file (JSON) with ${BACKUP_MFA_RULE_ID} facts per account`)
    .option('--org', 'read the device inventories live, as scan --org does (management-account credentials)')
    .option(
      '--role-name <name>',
      'with --org: the execution role to assume in each account',
      DEFAULT_EXECUTION_ROLE_NAME,
    )
    .option('--concurrency <n>', 'with --org: accounts read at once', String(DEFAULT_CONCURRENCY))
    .option('--region <region>', 'with --org: the Region to read (default: AWS_REGION, else us-east-1)')
    .option('--account <id...>', 'only these accounts')
    .option(
      '--max-days-since-custody-check <n>',
      `a custody check older than this is stale (default: the facts file's ${BACKUP_MFA_RULE_ID} ` +
        `MaxDaysSinceCustodyCheck, else ${DEFAULT_MAX_DAYS_SINCE_CUSTODY_CHECK}, the rule's default)`,
    )
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option(
      '--fail-on-difference',
      `exit ${EXIT_NON_COMPLIANT} when the register and the devices differ, or an account's devices could not be compared`,
    )
    .action(async (file: string, options: CustodyDiffOptions) => {
      if (Boolean(options.facts) === Boolean(options.org)) {
        throw new CliError('custody diff needs exactly one of --facts <file> or --org');
      }
      const loaded = registerOrProblems(file, io, setExitCode);
      if (!loaded) return;
      const source = options.facts ? loadInventoriesFile(options.facts) : await liveInventories(options, io);
      const maxDays =
        options.maxDaysSinceCustodyCheck === undefined
          ? (source.maxDaysSinceCustodyCheck ?? DEFAULT_MAX_DAYS_SINCE_CUSTODY_CHECK)
          : positiveInteger(options.maxDaysSinceCustodyCheck, '--max-days-since-custody-check');
      const report = diffCustody(loaded.register, file, source, {
        maxDaysSinceCustodyCheck: maxDays,
        accountIds: splitList(options.account),
      });
      const output =
        options.format === 'json' ? formatDiffJson(report) : formatDiffText(report, { color: io.color });
      io.stdout(`${output}\n`);
      setExitCode(options.failOnDifference && hasDifferences(report) ? EXIT_NON_COMPLIANT : EXIT_OK);
    });

  custody
    .command('publish')
    .description(
      'Validate a custody register and upload it as JSON to the register bucket in the tooling account ' +
        '(S3 PutObject, encrypted, with the sha256 of the YAML as metadata); prints the S3 version id.',
    )
    .argument('<file>', 'the register (YAML)')
    .requiredOption('--bucket <name>', "the register bucket (the central stack's custody register bucket)")
    .option('--key <key>', 'the object key the rule reads', 'custody-register.json')
    .option('--kms-key-id <key>', 'encrypt with SSE-KMS and this key (default: SSE-S3, AES256)')
    .option('--expected-bucket-owner <account-id>', 'refuse to write unless this account owns the bucket')
    .option(
      '--ledger-table <name>',
      "also write it where the root activity alert reads it (the central stack's RootActivityLedgerTableName)",
    )
    .option('--region <region>', "the bucket's Region (default: AWS_REGION, else us-east-1)")
    .action(async (file: string, options: CustodyPublishOptions) => {
      const loaded = registerOrProblems(file, io, setExitCode);
      if (!loaded) return;
      const { publishCustodyRegister, publishCustodyToLedger } = await import('./custody-publish');
      const { S3Client } = await import('@aws-sdk/client-s3');
      const clients = io.clientFactory
        ? io.clientFactory(options.region)
        : await defaultClientFactory(options.region);
      const result = await publishCustodyRegister(clients.client(S3Client), {
        bucket: options.bucket,
        key: options.key,
        register: loaded.register,
        sourceText: loaded.text,
        ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
        ...(options.expectedBucketOwner ? { expectedBucketOwner: options.expectedBucketOwner } : {}),
      });
      io.stdout(
        `Published ${file} to ${result.location} (${result.serverSideEncryption}, source sha256 ` +
          `${result.sourceSha256}).\nVersion id: ${result.versionId}\n`,
      );
      if (options.ledgerTable) {
        const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
        const written = await publishCustodyToLedger(
          clients.client(DynamoDBClient),
          options.ledgerTable,
          loaded.register,
          result.sourceSha256,
          new Date(),
        );
        io.stdout(
          `For the root activity alert: ${written.accounts} accounts in ledger table ${options.ledgerTable}.\n`,
        );
      }
      setExitCode(EXIT_OK);
    });
}

async function defaultClientFactory(region: string | undefined): Promise<ClientFactory> {
  const { ClientFactory } = await import('../lib/clients');
  return new ClientFactory({ region: resolveRegion(region) });
}

/** `custody diff --org`: the root-backup-mfa facts of every account, read as `scan --org` reads them. */
async function liveInventories(options: CustodyDiffOptions, io: CliIo): Promise<InventorySource> {
  const { defaultOrgScanIo, scanOrganization } = await import('./org-scan');
  const base = (io.orgScanIo ?? defaultOrgScanIo)(options.region);
  const result = await scanOrganization(
    { ...base, signal: io.signal ?? base.signal },
    {
      accountIds: splitList(options.account),
      ruleIds: [BACKUP_MFA_RULE_ID],
      roleName: options.roleName,
      concurrency: Number(options.concurrency),
    },
  );
  if (result.interrupted) throw new CliError('custody diff --org was interrupted; nothing compared');
  return {
    ...inventoriesFromFacts(result.facts, 'the organization (live)'),
    failures: result.failures.map(({ accountId, name, error }) => ({ accountId, name, error })),
  };
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
