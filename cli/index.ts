/**
 * The `rootguard` command.
 *
 *   rootguard scan --facts <file> [--rule <id>...] [--account <id>...] [--format table|json]
 *                  [--fail-on-noncompliant]
 *
 * Exit codes: 0 done; 1 bad input (missing or invalid facts file, unknown rule or account, bad parameters);
 * 2 with --fail-on-noncompliant when any result is NON_COMPLIANT.
 */
import { Command, CommanderError, Option } from 'commander';
import { RootGuardError } from '../lib/errors';
import { version } from '../package.json';
import { RULE_IDS } from '../rules';
import { CliError } from './errors';
import { formatJson, formatText } from './format';
import { hasNonCompliant, scanFactsFile } from './scan';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_NON_COMPLIANT = 2;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour the table output (stdout is a TTY and NO_COLOR is unset). */
  color: boolean;
}

export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});

interface ScanCommandOptions {
  facts: string;
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
      'Evaluate saved facts (a facts file, e.g. examples/sample-org.json) offline with every rule, ' +
        'using the same evaluate functions as the Config rule Lambdas.',
    )
    .requiredOption('--facts <file>', 'facts file (JSON) to evaluate')
    .option('--rule <id...>', `only these rules (${RULE_IDS.join(', ')})`)
    .option('--account <id...>', 'only these accounts')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--fail-on-noncompliant', `exit ${EXIT_NON_COMPLIANT} when any result is NON_COMPLIANT`)
    .action((options: ScanCommandOptions) => {
      const report = scanFactsFile(options.facts, {
        ruleIds: splitList(options.rule),
        accountIds: splitList(options.account),
      });
      const output = options.format === 'json' ? formatJson(report) : formatText(report, { color: io.color });
      io.stdout(`${output}\n`);
      setExitCode(options.failOnNoncompliant && hasNonCompliant(report) ? EXIT_NON_COMPLIANT : EXIT_OK);
    });

  return program;
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

if (require.main === module) {
  run(process.argv).then((code) => {
    process.exitCode = code;
  });
}
