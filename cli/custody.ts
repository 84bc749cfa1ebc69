/**
 * `rootguard custody check|diff`, without the command wiring (cli/index.ts) and the upload (cli/custody-publish.ts):
 * read the key custody register, summarise it, and hold it against the root users' device inventories.
 *
 * The comparison itself is lib/custody-check.ts's `compareCustody`, the one the root-backup-mfa rule runs, so
 * `custody diff` and the rule never disagree on what is unknown, missing, kept at one site or stale. The
 * inventories come from a facts file (the root-backup-mfa facts of each account, as `scan --org --save-facts`
 * writes them) or from a live sweep that produces the same facts (`custody diff --org`).
 */
import Table from 'cli-table3';
import * as z from 'zod';
import {
  CUSTODY_FINDING_KINDS,
  type CustodyFinding,
  type CustodyFindingKind,
  compareCustody,
} from '../lib/custody-check';
import type { InvalidCustodyRegisterError } from '../lib/custody-register';
import type {
  CustodyAccount,
  CustodyAttestation,
  CustodyDeviceStatus,
  CustodyRegister,
} from '../lib/custody-register-types';
import { CUSTODY_DEVICE_STATUSES } from '../lib/custody-register-types';
import { parseCustodyRegister } from '../lib/custody-register-yaml';
import { accountId, isoTime } from '../lib/facts-schema';
import {
  classifyMfaSerial,
  type MfaDevice,
  REGISTRABLE_MFA_DEVICE_KINDS,
  type RegistrableMfaDeviceKind,
} from '../lib/mfa-device';
import { CliError } from './errors';
import { readFactsJson, readText } from './facts-file';
import {
  listItem,
  NAME_WIDTH,
  painter,
  plural,
  type Style,
  TABLE_STYLE,
  TEXT_WIDTH,
  truncate,
  wrap,
} from './format';

/** The rule whose facts carry each account's root MFA device inventory. */
export const BACKUP_MFA_RULE_ID = 'root-backup-mfa';
/** The rule's MaxDaysSinceCustodyCheck default: a custody check older than this is stale. */
export const DEFAULT_MAX_DAYS_SINCE_CUSTODY_CHECK = 180;

// ---- Reading the register ---------------------------------------------------------------------------------

export interface LoadedRegister {
  /** The YAML exactly as read (publish records its sha256). */
  text: string;
  register: CustodyRegister;
}

/** Reads and validates the register file. A file that cannot be read is a CliError; an invalid one an InvalidCustodyRegisterError. */
export function loadCustodyRegister(path: string): LoadedRegister {
  const text = readText(path, 'custody register');
  return { text, register: parseCustodyRegister(text, path) };
}

/** One line per problem, `<file>:<line> <path>: <reason>`, in the order of the file. */
export function formatRegisterIssues(error: InvalidCustodyRegisterError): string {
  return [...error.issues]
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    .map(
      (issue) =>
        `${error.source}${issue.line === undefined ? '' : `:${issue.line}`} ${issue.path || '(document)'}: ${issue.message}`,
    )
    .join('\n');
}

// ---- custody check ----------------------------------------------------------------------------------------

export interface RegisterSummary {
  accounts: number;
  devices: number;
  byKind: Record<RegistrableMfaDeviceKind, number>;
  byStatus: Record<CustodyDeviceStatus, number>;
  attestations: Array<{ accountId: string } & CustodyAttestation>;
}

export function summarizeRegister(register: CustodyRegister): RegisterSummary {
  const zeroes = <K extends string>(keys: readonly K[]) =>
    Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  const byKind = zeroes(REGISTRABLE_MFA_DEVICE_KINDS);
  const byStatus = zeroes(CUSTODY_DEVICE_STATUSES);
  for (const device of register.accounts.flatMap((account) => account.devices)) {
    byKind[device.kind] += 1;
    byStatus[device.status] += 1;
  }
  return {
    accounts: register.accounts.length,
    devices: register.accounts.reduce((sum, account) => sum + account.devices.length, 0),
    byKind,
    byStatus,
    attestations: register.accounts.flatMap((account) =>
      account.attestation ? [{ accountId: account.accountId, ...account.attestation }] : [],
    ),
  };
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');

export function formatRegisterSummary(path: string, summary: RegisterSummary): string {
  const lines = [
    `${path}: OK, ${plural(summary.accounts, 'account')}, ${plural(summary.devices, 'device')}`,
    `  devices by kind:   ${counts(summary.byKind)}`,
    `  devices by status: ${counts(summary.byStatus)}`,
    `  attestations:      ${summary.attestations.length === 0 ? 'none' : summary.attestations.length}`,
    ...summary.attestations.map(
      (a) =>
        `    ${a.accountId}: ${a.date}, signed off by ${a.signedOffBy}, ${plural(a.hardwareDevices, 'hardware device')}, ` +
        `${a.noVirtualDevices ? 'no virtual device' : 'virtual device(s) not excluded'}`,
    ),
  ];
  return lines.join('\n');
}

// ---- Device inventories from facts ------------------------------------------------------------------------

/** What is known of one account's root MFA devices. */
export type DeviceInventory =
  | { status: 'listed'; devices: MfaDevice[] }
  /** The collector said why it could not list them (management account, centralized root access off, ...). */
  | { status: 'unavailable'; detail: string }
  /** The facts hold no root-backup-mfa facts for this account. */
  | { status: 'absent' };

export interface InventorySource {
  /** Where the inventories come from: a facts file path, or "the organization (live)". */
  name: string;
  managementAccountId: string;
  /** "Now" for the staleness of custody checks: the facts' evaluation time. */
  evaluationTime: string;
  accounts: Array<{ accountId: string; name?: string; inventory: DeviceInventory }>;
  /** Accounts a live sweep could not read, with the error. */
  failures?: Array<{ accountId: string; name: string; error: string }>;
  /** The rule parameter as the facts file records it, if it does. */
  maxDaysSinceCustodyCheck?: number;
}

/**
 * The parts of a facts file (cli/facts-file.ts) a diff needs. Other rules' facts are not checked here: a diff
 * reads only root-backup-mfa's, and a facts file saved before that rule existed must still say "no inventory".
 */
const diffFactsSchema = z.object({
  organization: z.object({ managementAccountId: accountId }),
  evaluationTime: isoTime,
  accounts: z.array(
    z.object({
      accountId,
      name: z.string().optional(),
      facts: z.record(z.string(), z.unknown()),
    }),
  ),
  ruleParameters: z.record(z.string(), z.record(z.string(), z.unknown()).optional()).optional(),
});

// The inventory inside root-backup-mfa's facts (lib/root-mfa-inventory.ts's RootMfaInventory): either at
// `inventory` or the facts themselves. The kind of each device is read again from its serial (lib/mfa-device.ts),
// so a hand-edited facts file cannot call a virtual device a key.
const listedDevice = z.object({ serialNumber: z.string().min(1), enableDate: z.string().optional() });
const inventorySchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('listed'), devices: z.array(listedDevice) }),
  z.object({
    status: z.literal('unavailable'),
    reason: z.string().optional(),
    detail: z.string().optional(),
    fix: z.string().optional(),
  }),
]);

function inventoryOf(facts: unknown, where: string): DeviceInventory {
  if (facts === undefined) return { status: 'absent' };
  const candidate =
    facts !== null && typeof facts === 'object' && 'inventory' in facts
      ? (facts as { inventory: unknown }).inventory
      : facts;
  const parsed = inventorySchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${where}: the ${BACKUP_MFA_RULE_ID} facts hold no readable device inventory ` +
        `(${issue ? `${issue.path.map(String).join('.') || 'inventory'}: ${issue.message}` : 'malformed'})`,
    );
  }
  const inventory = parsed.data;
  if (inventory.status === 'unavailable') {
    const detail = [inventory.detail ?? inventory.reason ?? 'the inventory is unavailable', inventory.fix]
      .filter(Boolean)
      .join('; ');
    return { status: 'unavailable', detail };
  }
  return {
    status: 'listed',
    devices: inventory.devices.map((device) => ({
      serialNumber: device.serialNumber,
      kind: classifyMfaSerial(device.serialNumber),
      ...(device.enableDate === undefined ? {} : { enableDate: device.enableDate }),
    })),
  };
}

/** Parses facts (a facts file's JSON, or what a live sweep collected) into inventories. */
export function inventoriesFromFacts(data: unknown, name: string): InventorySource {
  const parsed = diffFactsSchema.safeParse(data);
  if (!parsed.success) {
    throw new CliError(
      `Invalid facts file ${name}:\n${parsed.error.issues
        .map((issue) => `  - ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
        .join('\n')}`,
      { cause: parsed.error },
    );
  }
  const facts = parsed.data;
  const maxDays = Number(facts.ruleParameters?.[BACKUP_MFA_RULE_ID]?.MaxDaysSinceCustodyCheck);
  return {
    name,
    managementAccountId: facts.organization.managementAccountId,
    evaluationTime: facts.evaluationTime,
    accounts: facts.accounts.map((account, index) => ({
      accountId: account.accountId,
      ...(account.name === undefined ? {} : { name: account.name }),
      inventory: inventoryOf(
        account.facts[BACKUP_MFA_RULE_ID],
        `${name} accounts.${index} (account ${account.accountId})`,
      ),
    })),
    ...(Number.isInteger(maxDays) && maxDays > 0 ? { maxDaysSinceCustodyCheck: maxDays } : {}),
  };
}

export function loadInventoriesFile(path: string): InventorySource {
  return inventoriesFromFacts(readFactsJson(path), path);
}

// ---- custody diff -----------------------------------------------------------------------------------------

/**
 * compared: the live devices were held against the register. attested: the management account, whose devices no
 * audit session can list, with an attestation in the register. not-compared: no inventory (the reason says why).
 * Register-only checks (same site, stale custody checks) run for every account the register lists.
 */
export type AccountComparison = 'compared' | 'attested' | 'not-compared';

/** Where the account's devices stand in the source: absent = no root-backup-mfa facts; missing = not in the source. */
export type InventoryState = 'listed' | 'unavailable' | 'absent' | 'missing' | 'failed';

export interface AccountDiff {
  accountId: string;
  name?: string;
  comparison: AccountComparison;
  inventory: InventoryState;
  /** Live devices, when listed. */
  liveDevices?: number;
  /** Register entries for the account (0 when the register does not list it). */
  registeredDevices: number;
  /** Why the live devices were not compared; for `attested`, what the attestation says. */
  note?: string;
  findings: CustodyFinding[];
}

export interface CustodyDiffReport {
  register: string;
  inventories: string;
  evaluationTime: string;
  maxDaysSinceCustodyCheck: number;
  /** No account of the source had root-backup-mfa facts at all. */
  noInventories: boolean;
  accounts: AccountDiff[];
  summary: {
    accounts: number;
    compared: number;
    attested: number;
    notCompared: number;
    findings: Record<CustodyFindingKind, number>;
  };
}

export interface DiffOptions {
  maxDaysSinceCustodyCheck: number;
  /** Only these accounts. */
  accountIds?: readonly string[];
}

/** Findings that need no live inventory: the register against itself and the clock. */
const REGISTER_ONLY: ReadonlySet<CustodyFindingKind> = new Set(['same-site', 'stale-custody-check']);

function attestationNote(attestation: CustodyAttestation): string {
  return (
    `attested on ${attestation.date} by ${attestation.signedOffBy}: ${plural(attestation.hardwareDevices, 'hardware device')}, ` +
    `${attestation.noVirtualDevices ? 'no virtual device' : 'virtual devices not excluded'}`
  );
}

/** The register held against every account of `source` and every account the register lists. */
export function diffCustody(
  register: CustodyRegister,
  registerName: string,
  source: InventorySource,
  options: DiffOptions,
): CustodyDiffReport {
  const now = new Date(source.evaluationTime);
  const opts = { maxDaysSinceCustodyCheck: options.maxDaysSinceCustodyCheck };
  const registered = new Map(register.accounts.map((account) => [account.accountId, account]));
  const failures = new Map((source.failures ?? []).map((f) => [f.accountId, f]));
  const listed = new Map(source.accounts.map((a) => [a.accountId, a]));
  const ids = [
    ...source.accounts.map((a) => a.accountId),
    ...(source.failures ?? []).map((f) => f.accountId).filter((id) => !listed.has(id)),
    ...register.accounts.map((a) => a.accountId).filter((id) => !listed.has(id) && !failures.has(id)),
  ].filter((id) => !options.accountIds || options.accountIds.includes(id));
  const unknownIds = (options.accountIds ?? []).filter((id) => !ids.includes(id));
  if (unknownIds.length > 0) {
    throw new CliError(
      `account(s) ${unknownIds.join(', ')} are neither in ${registerName} nor in ${source.name}`,
    );
  }

  const accounts = ids.map((id): AccountDiff => {
    const entry: CustodyAccount | undefined = registered.get(id);
    const inSource = listed.get(id);
    const name = inSource?.name ?? failures.get(id)?.name;
    const base = { accountId: id, ...(name ? { name } : {}), registeredDevices: entry?.devices.length ?? 0 };
    const inventory = inSource?.inventory;
    const failure = failures.get(id);
    const state: InventoryState = failure ? 'failed' : (inventory?.status ?? 'missing');
    if (inventory?.status === 'listed') {
      return {
        ...base,
        comparison: 'compared',
        inventory: 'listed',
        liveDevices: inventory.devices.length,
        findings: compareCustody(entry, inventory.devices, now, opts),
      };
    }
    const registerOnly = compareCustody(entry, [], now, opts).filter((f) => REGISTER_ONLY.has(f.kind));
    if (id === source.managementAccountId && entry?.attestation) {
      return {
        ...base,
        comparison: 'attested',
        inventory: state,
        note: attestationNote(entry.attestation),
        findings: registerOnly,
      };
    }
    const note = failure
      ? `could not be read: ${failure.error}`
      : !inSource
        ? `not in ${source.name}`
        : inventory?.status === 'unavailable'
          ? `devices not listed: ${inventory.detail}`
          : `no ${BACKUP_MFA_RULE_ID} facts (no device inventory)`;
    const managementHint =
      id === source.managementAccountId
        ? '; the management account needs an attestation in the register'
        : '';
    return {
      ...base,
      comparison: 'not-compared',
      inventory: state,
      note: `${note}${managementHint}`,
      findings: registerOnly,
    };
  });

  const findings = Object.fromEntries(CUSTODY_FINDING_KINDS.map((kind) => [kind, 0])) as Record<
    CustodyFindingKind,
    number
  >;
  for (const finding of accounts.flatMap((a) => a.findings)) findings[finding.kind] += 1;
  const count = (comparison: AccountComparison) => accounts.filter((a) => a.comparison === comparison).length;
  return {
    register: registerName,
    inventories: source.name,
    evaluationTime: source.evaluationTime,
    maxDaysSinceCustodyCheck: options.maxDaysSinceCustodyCheck,
    noInventories: source.accounts.every((a) => a.inventory.status === 'absent'),
    accounts,
    summary: {
      accounts: accounts.length,
      compared: count('compared'),
      attested: count('attested'),
      notCompared: count('not-compared'),
      findings,
    },
  };
}

/** A difference for the exit code: any finding, or any account whose devices could not be compared. */
export function hasDifferences(report: CustodyDiffReport): boolean {
  return report.accounts.some((a) => a.findings.length > 0 || a.comparison === 'not-compared');
}

const FINDING_LABELS: Record<CustodyFindingKind, string> = {
  'unknown-device': 'unknown',
  'missing-device': 'missing',
  'same-site': 'same site',
  'stale-custody-check': 'stale',
};

export function formatDiffText(report: CustodyDiffReport, options: { color: boolean }): string {
  const paint = painter(options.color);
  const header = [
    paint(`rootguard custody diff: register ${report.register}`, 'bold'),
    `devices from ${report.inventories} as of ${report.evaluationTime} · custody checks older than ` +
      `${report.maxDaysSinceCustodyCheck} days are stale`,
  ].join('\n');
  const notices = report.noInventories
    ? [
        paint(
          wrap(
            `No device inventory: ${report.inventories} holds no ${BACKUP_MFA_RULE_ID} facts for any account, so no ` +
              "live device was compared; only the register's own checks (same site, stale custody checks) ran. " +
              `Collect them with \`rootguard scan --org --rule ${BACKUP_MFA_RULE_ID} --save-facts FILE\`.`,
            TEXT_WIDTH,
            '',
          ),
          'yellow',
        ),
      ]
    : [];

  const table = new Table({
    head: ['Account', 'Name', 'Live', 'Register', ...CUSTODY_FINDING_KINDS.map((k) => FINDING_LABELS[k])].map(
      (h) => paint(h, 'bold'),
    ),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
    style: TABLE_STYLE,
  });
  const count = (n: number) => (n > 0 ? paint(String(n), 'red', 'bold') : String(n));
  for (const account of report.accounts) {
    const live =
      account.comparison === 'compared'
        ? String(account.liveDevices)
        : account.comparison === 'attested'
          ? paint('attested', 'gray')
          : paint('not read', 'yellow');
    table.push([
      account.accountId,
      truncate(account.name ?? '', NAME_WIDTH),
      live,
      String(account.registeredDevices),
      ...CUSTODY_FINDING_KINDS.map((kind) => count(account.findings.filter((f) => f.kind === kind).length)),
    ]);
  }

  const label = (a: AccountDiff) => `${a.name ? `[${a.name}] ` : ''}Account ${a.accountId}`;
  const differences = report.accounts.flatMap((a) =>
    a.findings.map((f) =>
      listItem(paint('✗', 'red'), `${label(a)}: ${FINDING_LABELS[f.kind]}: ${f.detail}.`),
    ),
  );
  // With no inventory anywhere the notice above says it once, not once per account.
  const notCompared = report.accounts
    .filter(
      (a) =>
        a.comparison !== 'compared' &&
        a.note &&
        !(report.noInventories && a.comparison === 'not-compared' && a.inventory === 'absent'),
    )
    .map((a) => {
      const mark = a.comparison === 'attested' ? paint('·', 'gray') : paint('!', 'yellow');
      return listItem(mark, `${label(a)}: ${a.note}.`);
    });

  const s = report.summary;
  const warn: Style[] = ['red', 'bold'];
  const totalFindings = Object.values(s.findings).reduce((sum, n) => sum + n, 0);
  const totals =
    `Totals: ${plural(s.accounts, 'account')}, ${s.compared} compared, ${s.attested} attested, ` +
    `${paint(`${s.notCompared} not compared`, ...(s.notCompared > 0 ? (['yellow'] as Style[]) : []))}; ` +
    `${paint(plural(totalFindings, 'difference'), ...(totalFindings > 0 ? warn : []))} ` +
    `(${CUSTODY_FINDING_KINDS.map((k) => `${FINDING_LABELS[k]} ${s.findings[k]}`).join(', ')}).`;

  return [
    header,
    ...notices,
    table.toString(),
    totals,
    differences.length > 0
      ? [paint(`Differences (${differences.length})`, 'bold'), ...differences].join('\n')
      : paint('No differences between the register and the devices.', 'green'),
    ...(notCompared.length > 0
      ? [[paint('Accounts whose devices were not compared', 'bold'), ...notCompared].join('\n')]
      : []),
  ].join('\n\n');
}

export function formatDiffJson(report: CustodyDiffReport): string {
  return JSON.stringify(report, null, 2);
}
