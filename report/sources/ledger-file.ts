/**
 * Offline ledger: a JSON Lines export of the root activity ledger, one LedgerRecord a line, each validated with
 * the ledger's own schema (lib/root-activity-ledger.ts). A bad line is an error naming its line number and
 * what is wrong with it, never a skipped event: a dropped sign-in would be an undercounted KPI.
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../../cli/errors';
import { type LedgerRecord, ledgerRecordSchema } from '../../lib/root-activity-ledger';

/** A line of a ledger export that is not a ledger record. */
export class LedgerFileError extends CliError {}

const MAX_PROBLEMS = 10;

export function parseLedgerLines(text: string, source: string): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (error) {
      problems.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    const parsed = ledgerRecordSchema.safeParse(data);
    if (parsed.success) {
      records.push(parsed.data);
      return;
    }
    const issues = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`,
    );
    problems.push(`${where}: ${issues.join('; ')}`);
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length > MAX_PROBLEMS ? `\n  … and ${problems.length - MAX_PROBLEMS} more` : '';
    throw new LedgerFileError(`Invalid ledger export ${source}:\n  ${shown.join('\n  ')}${more}`);
  }
  return records;
}

export function loadLedgerFile(path: string): LedgerRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new LedgerFileError(`Cannot read ledger export ${path}: ${reason}`, { cause: error });
  }
  return parseLedgerLines(text, path);
}
