/**
 * The IAM credential report: fetching it (I/O) and reading the root user's last uses out of it (pure).
 *
 * Fetching: `iam:GenerateCredentialReport` is called until its State is COMPLETE (IAM reuses a report younger
 * than four hours, otherwise it builds a new one), then `iam:GetCredentialReport`. A report that is absent,
 * expired or still in progress on Get is regenerated or waited for. Every wait is bounded (backoff, about
 * 60 s in all): a report still being generated after that is a CollectError, never a verdict.
 *
 * Reading: the CSV (csv-parse, quoted fields honoured) has one row per IAM user plus the `<root_account>` row.
 * A date column holds an ISO 8601 date-time, or a marker: `N/A` (no such credential, or a key never used),
 * `no_information` (a password never used, or not used since IAM began tracking in October 2014),
 * `not_supported` (not applicable to root). Markers become `undefined` with the marker kept in a `…Note` field.
 * A missing root row, a missing column or a value that is neither a date nor a marker is a CollectError:
 * an unreadable report never means "root was never used".
 *
 * The types and `parseCredentialReport`/`rootUsage` are pure; pure code (evaluate.ts, the CLI) must import
 * only types from this module, because it also loads the IAM client.
 */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type GetCredentialReportCommandOutput,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { CollectError, errorMessage, errorName, toCollectError } from './errors';

/** The user name of the root user's row. */
export const ROOT_ACCOUNT_USER = '<root_account>';

/** Markers the report writes instead of a date or a boolean. */
export const CREDENTIAL_REPORT_NOTES = ['N/A', 'no_information', 'not_supported'] as const;
export type CredentialReportNote = (typeof CREDENTIAL_REPORT_NOTES)[number];

/** Columns without which the root user's last use cannot be judged. */
export const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'password_last_used',
  'access_key_1_last_used_date',
  'access_key_2_last_used_date',
] as const;

/** One row of the report, keyed by column name, every value as text. */
export type CredentialReportRow = Record<string, string>;

/**
 * What the report says about the root user. A date is the report's ISO 8601 text, unchanged; when the report
 * holds a marker instead, the date is absent and the marker is in the matching `…Note` field. Booleans are
 * absent when the column is missing or holds a marker (`not_supported`).
 */
export interface RootUsage {
  passwordEnabled?: boolean;
  passwordLastUsed?: string;
  passwordLastUsedNote?: CredentialReportNote;
  mfaActive?: boolean;
  accessKey1Active?: boolean;
  accessKey1LastUsed?: string;
  accessKey1LastUsedNote?: CredentialReportNote;
  accessKey2Active?: boolean;
  accessKey2LastUsed?: string;
  accessKey2LastUsedNote?: CredentialReportNote;
}

/** A downloaded report: its CSV text and when IAM generated it. */
export interface CredentialReport {
  /** GetCredentialReport's GeneratedTime, ISO 8601. */
  generatedAt: string;
  csv: string;
}

const GET_ACTION = 'iam:GetCredentialReport';
const GENERATE_ACTION = 'iam:GenerateCredentialReport';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// ---- Pure: parsing ----

/**
 * Parses the report CSV into rows keyed by column name. The header must hold every REQUIRED_COLUMNS entry;
 * malformed CSV (e.g. a row with the wrong number of fields) is a CollectError.
 */
export function parseCredentialReport(csv: string, accountId?: string): CredentialReportRow[] {
  const where = accountId ? ` of account ${accountId}` : '';
  let header: string[] = [];
  let rows: CredentialReportRow[];
  try {
    rows = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      columns: (names: string[]) => {
        header = names.map((name) => name.trim());
        return header;
      },
    }) as CredentialReportRow[];
  } catch (error) {
    throw new CollectError(`The IAM credential report${where} is not valid CSV (${errorMessage(error)})`, {
      action: GET_ACTION,
      accountId,
      cause: error,
    });
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new CollectError(
      `The IAM credential report${where} has no ${missing.join(', ')} column; cannot judge the root user`,
      { action: GET_ACTION, accountId },
    );
  }
  return rows;
}

function isNote(value: string): value is CredentialReportNote {
  return (CREDENTIAL_REPORT_NOTES as readonly string[]).includes(value);
}

/**
 * The root user's usage from parsed rows. Exactly one `<root_account>` row must be present; when `accountId`
 * is given, its ARN must be that account's root user.
 */
export function rootUsage(rows: readonly CredentialReportRow[], accountId?: string): RootUsage {
  const where = accountId ? ` of account ${accountId}` : '';
  const fail = (reason: string): never => {
    throw new CollectError(`The IAM credential report${where} ${reason}; cannot judge the root user`, {
      action: GET_ACTION,
      accountId,
    });
  };
  const roots = rows.filter((row) => row.user?.trim() === ROOT_ACCOUNT_USER);
  if (roots.length === 0) fail(`has no ${ROOT_ACCOUNT_USER} row`);
  if (roots.length > 1) fail(`has ${roots.length} ${ROOT_ACCOUNT_USER} rows`);
  const row = roots[0] as CredentialReportRow;

  const missing = REQUIRED_COLUMNS.filter((column) => typeof row[column] !== 'string');
  if (missing.length > 0) fail(`has no ${missing.join(', ')} column`);
  const arn = (row.arn ?? '').trim();
  if (accountId && !new RegExp(`^arn:aws[a-z-]*:iam::${accountId}:root$`).test(arn)) {
    fail(`names ${JSON.stringify(arn)} as the root user, not the root user of ${accountId}`);
  }

  const usage: RootUsage = {};
  const date = (column: string): { at?: string; note?: CredentialReportNote } => {
    const value = (row[column] ?? '').trim();
    if (value === '') return {};
    if (isNote(value)) return { note: value };
    if (ISO_DATE_TIME.test(value) && Number.isFinite(Date.parse(value))) return { at: value };
    return fail(
      `holds ${JSON.stringify(value)} in ${column}; expected an ISO 8601 date-time or ${CREDENTIAL_REPORT_NOTES.join(', ')}`,
    );
  };
  const flag = (column: string): boolean | undefined => {
    const value = row[column]?.trim();
    if (value === undefined || value === '' || isNote(value)) return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    return fail(`holds ${JSON.stringify(value)} in ${column}; expected true, false or a marker`);
  };

  const setFlag = (
    key: 'passwordEnabled' | 'mfaActive' | 'accessKey1Active' | 'accessKey2Active',
    column: string,
  ) => {
    const value = flag(column);
    if (value !== undefined) usage[key] = value;
  };
  setFlag('passwordEnabled', 'password_enabled');
  setFlag('mfaActive', 'mfa_active');
  setFlag('accessKey1Active', 'access_key_1_active');
  setFlag('accessKey2Active', 'access_key_2_active');

  const password = date('password_last_used');
  if (password.at) usage.passwordLastUsed = password.at;
  if (password.note) usage.passwordLastUsedNote = password.note;
  const key1 = date('access_key_1_last_used_date');
  if (key1.at) usage.accessKey1LastUsed = key1.at;
  if (key1.note) usage.accessKey1LastUsedNote = key1.note;
  const key2 = date('access_key_2_last_used_date');
  if (key2.at) usage.accessKey2LastUsed = key2.at;
  if (key2.note) usage.accessKey2LastUsedNote = key2.note;
  return usage;
}

// ---- I/O: fetching ----

export interface FetchCredentialReportOptions {
  /** The clock, in epoch milliseconds (tests pass a fake one). Default Date.now. */
  now?: () => number;
  /** The first pause between polls; doubled after each poll up to MAX_POLL_DELAY_MS. */
  pollDelayMs?: number;
  /** How long to wait for a report in all before giving up. */
  maxWaitMs?: number;
  /** Pauses for `ms` (tests pass one that returns at once). Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_POLL_DELAY_MS = 1_000;
export const MAX_POLL_DELAY_MS = 8_000;
export const DEFAULT_MAX_WAIT_MS = 60_000;
/** A hard stop on calls, whatever the clock says. */
export const MAX_REPORT_ATTEMPTS = 30;

const REPORT_IN_PROGRESS = new Set(['CredentialReportNotReadyException', 'ReportInProgress']);
const REPORT_NOT_PRESENT = new Set(['CredentialReportNotPresentException', 'ReportNotPresent']);
const REPORT_EXPIRED = new Set(['CredentialReportExpiredException', 'ReportExpired']);
const GENERATION_LIMIT = new Set(['ReportGenerationLimitExceededException', 'ReportGenerationLimitExceeded']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What one Generate-then-Get round gave: the report, or why another round is needed. */
type Round = { report: CredentialReport } | { pending: string; action: string };

async function generateAndGet(iam: IAMClient, accountId: string): Promise<Round> {
  let state: string | undefined;
  try {
    state = (await iam.send(new GenerateCredentialReportCommand({}))).State;
  } catch (error) {
    if (GENERATION_LIMIT.has(errorName(error))) {
      return { pending: 'too many reports being generated', action: GENERATE_ACTION };
    }
    throw toCollectError(error, GENERATE_ACTION, accountId);
  }
  if (state === 'STARTED' || state === 'INPROGRESS') {
    return { pending: `generation ${state}`, action: GENERATE_ACTION };
  }
  if (state !== 'COMPLETE') {
    throw new CollectError(
      `${GENERATE_ACTION} in account ${accountId} returned state ${JSON.stringify(state ?? null)}; expected STARTED, INPROGRESS or COMPLETE`,
      { action: GENERATE_ACTION, accountId },
    );
  }

  let out: GetCredentialReportCommandOutput;
  try {
    out = await iam.send(new GetCredentialReportCommand({}));
  } catch (error) {
    const name = errorName(error);
    if (REPORT_IN_PROGRESS.has(name)) return { pending: 'ReportInProgress', action: GET_ACTION };
    if (REPORT_NOT_PRESENT.has(name)) return { pending: 'ReportNotPresent', action: GET_ACTION };
    if (REPORT_EXPIRED.has(name)) return { pending: 'ReportExpired', action: GET_ACTION };
    throw toCollectError(error, GET_ACTION, accountId);
  }
  return { report: decode(out, accountId) };
}

function decode(out: GetCredentialReportCommandOutput | undefined, accountId: string): CredentialReport {
  const fail = (reason: string): never => {
    throw new CollectError(`${GET_ACTION} in account ${accountId} ${reason}`, {
      action: GET_ACTION,
      accountId,
    });
  };
  if (!out) return fail('returned nothing');
  if (out.ReportFormat !== undefined && out.ReportFormat !== 'text/csv') {
    fail(`returned a report in ${out.ReportFormat}, not text/csv`);
  }
  const generated = out.GeneratedTime === undefined ? Number.NaN : new Date(out.GeneratedTime).getTime();
  if (!Number.isFinite(generated)) fail('returned no GeneratedTime');
  // The SDK has already decoded the Base64 blob: Content is the CSV's bytes.
  const csv = out.Content === undefined ? '' : Buffer.from(out.Content).toString('utf8');
  if (csv.trim() === '') fail('returned an empty report');
  return { generatedAt: new Date(generated).toISOString(), csv };
}

/**
 * Generates (or reuses) the account's credential report and downloads it, polling with backoff while IAM is
 * building it. Throws AccessDeniedError when the role may not generate or read it, and a CollectError when
 * the report is still not available after `maxWaitMs` (default 60 s).
 */
export async function fetchCredentialReport(
  iam: IAMClient,
  accountId: string,
  options: FetchCredentialReportOptions = {},
): Promise<CredentialReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  let delay = Math.max(0, options.pollDelayMs ?? DEFAULT_POLL_DELAY_MS);
  const started = now();
  const deadline = started + maxWaitMs;

  for (let attempt = 1; ; attempt++) {
    const round = await generateAndGet(iam, accountId);
    if ('report' in round) return round.report;

    const remaining = deadline - now();
    if (remaining <= 0 || attempt >= MAX_REPORT_ATTEMPTS) {
      const waited = Math.round(Math.max(0, now() - started) / 1000);
      throw new CollectError(
        `The IAM credential report of account ${accountId} is still being generated after ${waited} s and ${attempt} attempt(s) (last: ${round.pending}); the next evaluation will read it`,
        { action: round.action, accountId },
      );
    }
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
  }
}
