/**
 * Pure: what the key custody register (lib/custody-register.ts) says about the MFA device a root sign-in used.
 * A device the register does not list, or lists as retired or lost, is its own alert: it may be an attacker's
 * key, so it is CRITICAL even inside a break-glass window. A register that cannot be read never hides the
 * alert: the alert goes out and says the register could not be checked.
 */
import type { CustodyAccount, CustodyDevice } from '../../lib/custody-register-types';
import type { RootActivity } from './classify';

/** What the register lookup returns for one account: its entry, none, or that the register could not be read. */
export type CustodyLookupResult = CustodyAccount | undefined | 'unavailable';
/**
 * The register lookup the handler uses (ledger.ts `custodyLookupFromLedger`, the copy `custody publish` writes to
 * the ledger table); `not-configured`: no register published.
 */
export type CustodyLookup = (accountId: string) => Promise<CustodyLookupResult | 'not-configured'>;

export type DeviceCustody =
  /** Not a sign-in, or CloudTrail recorded no device for it. */
  | { state: 'no-device' }
  /** No register published for the alert (`rootguard custody publish --ledger-table`). */
  | { state: 'no-register' }
  | { state: 'unavailable' }
  | { state: 'registered'; device: CustodyDevice }
  /** Listed, but as retired or lost: nobody should be able to sign in with it. */
  | { state: 'inactive'; device: CustodyDevice }
  | { state: 'unregistered' };

/** The device states that make a sign-in its own, CRITICAL alert. */
export const SUSPECT_DEVICE_STATES: ReadonlySet<DeviceCustody['state']> = new Set([
  'unregistered',
  'inactive',
]);

export function deviceCustody(
  activity: Pick<RootActivity, 'mfaDevice'>,
  register: CustodyLookupResult | 'not-configured',
): DeviceCustody {
  if (activity.mfaDevice === undefined) return { state: 'no-device' };
  if (register === 'not-configured') return { state: 'no-register' };
  if (register === 'unavailable') return { state: 'unavailable' };
  const device = register?.devices.find((d) => d.serialNumber === activity.mfaDevice);
  if (device === undefined) return { state: 'unregistered' };
  return device.status === 'active' ? { state: 'registered', device } : { state: 'inactive', device };
}

export const isSuspectDevice = (custody: DeviceCustody | undefined) =>
  custody !== undefined && SUSPECT_DEVICE_STATES.has(custody.state);

/**
 * What session paging is told (session.ts `unregisteredDevice`): true when the register does not list the
 * device as active (a re-page), false when it does, undefined when the register said nothing (no device, no
 * register, or it could not be read).
 */
export function registerVerdict(custody: DeviceCustody | undefined): boolean | undefined {
  if (custody === undefined || !['registered', ...SUSPECT_DEVICE_STATES].includes(custody.state)) {
    return undefined;
  }
  return isSuspectDevice(custody);
}

/** One line for the alert and the finding. */
export function custodyText(custody: DeviceCustody): string {
  switch (custody.state) {
    case 'no-device':
      return 'no device recorded';
    case 'no-register':
      return 'no key custody register configured';
    case 'unavailable':
      return 'UNKNOWN: the key custody register could not be read';
    case 'registered':
      return `registered, held by ${custody.device.custodian} at ${custody.device.site}`;
    case 'inactive':
      return `registered as ${custody.device.status.toUpperCase()} (was held by ${custody.device.custodian} at ${custody.device.site}): nobody should be able to sign in with it`;
    case 'unregistered':
      return 'NOT IN THE KEY CUSTODY REGISTER: possibly an attacker’s device';
  }
}
