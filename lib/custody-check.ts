/**
 * The key custody register held against what the root user really has: one pure comparison, used by the
 * root-backup-mfa rule (live inventory from an AssumeRoot audit session) and by `rootguard custody diff` (live
 * inventory or a facts file), so the two can never disagree on what counts as a finding.
 *
 * Findings (each its own kind, so a caller can annotate, count or print them apart):
 *  - unknown-device: a hardware (or unreadable) device on root that no `active` register entry lists. It may be
 *    an attacker's key; a device the register marks `lost` or `retired` but still on root is one too (whoever
 *    holds it can still sign in).
 *  - missing-device: an `active` register entry whose device is no longer on root (lost, or removed and the
 *    register not cleaned up).
 *  - same-site: two or more active hardware devices and every one of them kept at one site: losing that site
 *    loses every key, which a backup exists to prevent. Sites are compared trimmed, case- and space-insensitive.
 *  - stale-custody-check: an active entry whose last custody check is older than `maxDaysSinceCustodyCheck`
 *    days at `now` (or dated in the future, which no check can be).
 *
 * Virtual devices are not judged here: whether one may sit beside the keys is a rule parameter
 * (AllowVirtualDevices), not custody. An account the register does not list is an account with no entries.
 * No I/O, no clock: `now` is the caller's.
 */
import type { CustodyAccount, CustodyDevice } from './custody-register-types';
import type { MfaDevice } from './mfa-device';

export const CUSTODY_FINDING_KINDS = [
  'unknown-device',
  'missing-device',
  'same-site',
  'stale-custody-check',
] as const;
export type CustodyFindingKind = (typeof CUSTODY_FINDING_KINDS)[number];

export interface CustodyFinding {
  kind: CustodyFindingKind;
  serialNumber?: string;
  site?: string;
  /** One short sentence fragment, safe to put in an annotation or a CLI line. */
  detail: string;
}

export interface CustodyCheckOptions {
  maxDaysSinceCustodyCheck: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The form two site names are compared in: "Frankfurt  Office Safe " is "frankfurt office safe". */
export function siteKey(site: string): string {
  return site.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * How old a custody date (YYYY-MM-DD, a device's last check or the management account's attestation) is at `now`,
 * in whole days (NaN when it is no date), and whether it is stale: older than `maxDays`, dated more than a day
 * ahead (no check can be; a day of slack for time zones), or no date at all.
 */
export function custodyDateAge(
  date: string,
  now: Date,
  maxDays: number,
): { ageDays: number; stale: boolean } {
  const checked = Date.parse(`${date}T00:00:00Z`);
  const ageDays = Math.floor((now.getTime() - checked) / DAY_MS);
  return { ageDays, stale: Number.isNaN(checked) || ageDays > maxDays || checked - now.getTime() > DAY_MS };
}

function isRegisteredHardware(device: CustodyDevice): boolean {
  return device.kind === 'fido' || device.kind === 'hardware-totp';
}

/** Register-vs-live findings for one account, in a stable order (see the file comment for each kind). */
export function compareCustody(
  account: CustodyAccount | undefined,
  devices: MfaDevice[],
  now: Date,
  opts: CustodyCheckOptions,
): CustodyFinding[] {
  const entries = account?.devices ?? [];
  const bySerial = new Map(entries.map((entry) => [entry.serialNumber, entry]));
  const live = new Set(devices.map((device) => device.serialNumber));
  const active = entries.filter((entry) => entry.status === 'active');
  const findings: CustodyFinding[] = [];

  for (const device of devices) {
    // Virtual devices are the AllowVirtualDevices parameter's business; an unreadable serial is not, since
    // it could be anything, so it must be registered like a key.
    if (device.kind === 'virtual') continue;
    const entry = bySerial.get(device.serialNumber);
    if (entry?.status === 'active') continue;
    findings.push({
      kind: 'unknown-device',
      serialNumber: device.serialNumber,
      detail: entry
        ? `device ${device.serialNumber} is on root but the register records it as ${entry.status}`
        : `device ${device.serialNumber} is on root but not in the custody register`,
    });
  }

  for (const entry of active) {
    if (live.has(entry.serialNumber)) continue;
    findings.push({
      kind: 'missing-device',
      serialNumber: entry.serialNumber,
      site: entry.site,
      detail: `register lists ${entry.serialNumber} (${entry.site}) as active but it is not on root`,
    });
  }

  const hardware = active.filter(isRegisteredHardware);
  const sites = new Set(hardware.map((entry) => siteKey(entry.site)));
  if (hardware.length >= 2 && sites.size === 1) {
    const site = (hardware[0] as CustodyDevice).site;
    findings.push({
      kind: 'same-site',
      site,
      detail: `${hardware.length === 2 ? 'primary and backup are' : `all ${hardware.length} active hardware devices are`} kept at one site (${site})`,
    });
  }

  for (const entry of active) {
    const { ageDays, stale } = custodyDateAge(entry.lastCustodyCheck, now, opts.maxDaysSinceCustodyCheck);
    if (stale) {
      findings.push({
        kind: 'stale-custody-check',
        serialNumber: entry.serialNumber,
        site: entry.site,
        detail:
          ageDays < 0
            ? `custody check of ${entry.serialNumber} is dated in the future (${entry.lastCustodyCheck})`
            : `custody check of ${entry.serialNumber} is ${Number.isNaN(ageDays) ? 'undated' : `${ageDays} days old`} (limit ${opts.maxDaysSinceCustodyCheck})`,
      });
    }
  }
  return findings;
}
