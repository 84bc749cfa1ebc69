/** Builders for IAM credential reports (CSV as GetCredentialReport returns it) and break-glass windows. */
import type { BreakGlassWindow } from '../../lib/break-glass';
import { rootArn, userArn } from './constants';

/** The report's columns, in the order IAM writes them. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number];
export type ReportRow = Partial<Record<CredentialReportColumn, string>>;

/** When the sample reports were generated: four hours before test/helpers/constants NOTIFICATION_TIME. */
export const REPORT_GENERATED_AT = '2026-11-20T02:00:00.000Z';
export const ROOT_CREATED_AT = '2019-03-01T09:00:00+00:00';

/** Dates as the report writes them (seconds, +00:00), relative to NOTIFICATION_TIME 2026-11-20T06:00:00Z. */
export const THREE_DAYS_AGO = '2026-11-17T05:12:45+00:00';
export const TEN_DAYS_AGO = '2026-11-10T06:00:00+00:00';
export const ONE_HUNDRED_TWENTY_DAYS_AGO = '2026-07-23T06:00:00+00:00';
export const EXACTLY_NINETY_DAYS_AGO = '2026-08-22T06:00:00+00:00';
export const JUST_UNDER_NINETY_DAYS_AGO = '2026-08-22T06:00:01+00:00';
/** After the notification time: clock skew, or a report generated after Config's notification. */
export const AFTER_NOTIFICATION = '2026-11-20T06:20:00+00:00';

/**
 * The `<root_account>` row of a root user that has never been used: no password use recorded, no access keys,
 * no certificates, MFA on. Root's password_enabled, password_last_changed and password_next_rotation are
 * `not_supported`.
 */
export function rootRow(accountId: string, overrides: ReportRow = {}): ReportRow {
  return {
    user: '<root_account>',
    arn: rootArn(accountId),
    user_creation_time: ROOT_CREATED_AT,
    password_enabled: 'not_supported',
    password_last_used: 'no_information',
    password_last_changed: 'not_supported',
    password_next_rotation: 'not_supported',
    mfa_active: 'true',
    access_key_1_active: 'false',
    access_key_1_last_rotated: 'N/A',
    access_key_1_last_used_date: 'N/A',
    access_key_1_last_used_region: 'N/A',
    access_key_1_last_used_service: 'N/A',
    access_key_2_active: 'false',
    access_key_2_last_rotated: 'N/A',
    access_key_2_last_used_date: 'N/A',
    access_key_2_last_used_region: 'N/A',
    access_key_2_last_used_service: 'N/A',
    cert_1_active: 'false',
    cert_1_last_rotated: 'N/A',
    cert_2_active: 'false',
    cert_2_last_rotated: 'N/A',
    ...overrides,
  };
}

/** A root user that used access key 1 at `at` (the key is active). */
export const rootKey1UsedAt = (at: string): ReportRow => ({
  access_key_1_active: 'true',
  access_key_1_last_rotated: ROOT_CREATED_AT,
  access_key_1_last_used_date: at,
  access_key_1_last_used_region: 'us-east-1',
  access_key_1_last_used_service: 's3',
});

/** An IAM user's row; `name` may hold characters that need quoting (IAM allows `,` in user names). */
export function iamUserRow(accountId: string, name: string, overrides: ReportRow = {}): ReportRow {
  return rootRow(accountId, {
    user: name,
    arn: userArn(accountId, name),
    password_enabled: 'true',
    password_last_used: '2026-11-19T17:45:02+00:00',
    password_last_changed: '2026-01-05T10:00:00+00:00',
    password_next_rotation: 'N/A',
    mfa_active: 'false',
    ...overrides,
  });
}

const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The CSV text of a report with `rows`, every column present unless `columns` says otherwise. */
export function credentialReportCsv(
  rows: readonly ReportRow[],
  columns: readonly string[] = CREDENTIAL_REPORT_COLUMNS,
): string {
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(columns.map((c) => quote((row as Record<string, string | undefined>)[c] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** What GetCredentialReport returns for `csv` (the SDK has already decoded the Base64 blob). */
export function getCredentialReportOutput(csv: string, generatedAt = REPORT_GENERATED_AT) {
  return {
    Content: new TextEncoder().encode(csv),
    ReportFormat: 'text/csv' as const,
    GeneratedTime: new Date(generatedAt),
  };
}

export const TICKET_ID = 'CHG-4711';

/** A break-glass window of `accountId` from `startsAt`, lasting `minutes` (at most 240). */
export function breakGlassWindow(
  accountId: string,
  startsAt: string,
  minutes = 120,
  overrides: Partial<BreakGlassWindow> = {},
): BreakGlassWindow {
  const start = new Date(startsAt);
  return {
    accountId,
    windowId: `ssm-exec-${start.getTime()}`,
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + minutes * 60_000).toISOString(),
    reason: 'Restore MFA on the root user after the security key was lost',
    ticketId: TICKET_ID,
    approvers: ['alice@example.com', 'bob@example.com'],
    ...overrides,
  };
}
