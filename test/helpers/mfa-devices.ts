/** Root MFA devices as the inventory lists them and custody register entries: one set of builders for every test. */
import type { MFADevice } from '@aws-sdk/client-iam';
import type { CustodyAccount, CustodyAttestation, CustodyDevice } from '../../lib/custody-register-types';
import { classifyMfaSerial, type MfaDevice } from '../../lib/mfa-device';

export const MFA_ENABLE_DATE = '2025-06-01T09:00:00.000Z';
/** A day the sample custody checks were done, and one "now" 30 days later. */
export const CUSTODY_CHECK_DAY = '2026-10-21';
export const CUSTODY_NOW = new Date('2026-11-20T06:00:00.000Z');

/** Serials in each form IAM gives them (ARCHITECTURE.md, "AWS facts"). */
export const fidoSerial = (accountId: string, name = 'primary', partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:u2f/root/${name}-AbCdEfGhIjKlMnOpQrSt`;
export const virtualSerial = (accountId: string, name = 'root-account-mfa-device', partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:mfa/${name}`;
export const totpSerial = (n = 1) => `GAHT${String(12345670 + n)}`;

/** A live device, classified from its serial as the inventory does. */
export function liveDevice(serialNumber: string, enableDate = MFA_ENABLE_DATE): MfaDevice {
  return { serialNumber, kind: classifyMfaSerial(serialNumber), enableDate };
}

/** ListMFADevices entries for the given serials (the root user: no UserName). */
export function listedDevices(serials: readonly string[]): MFADevice[] {
  return serials.map((SerialNumber) => ({
    SerialNumber,
    UserName: undefined,
    EnableDate: new Date(MFA_ENABLE_DATE),
  })) as MFADevice[];
}

/** A register entry for `serialNumber`, active, checked on CUSTODY_CHECK_DAY, at `site`. */
export function custodyDevice(
  serialNumber: string,
  site: string,
  overrides: Partial<CustodyDevice> = {},
): CustodyDevice {
  const kind = classifyMfaSerial(serialNumber);
  return {
    serialNumber,
    kind: kind === 'unknown' ? 'fido' : kind,
    custodian: 'Security on-call lead',
    site,
    lastCustodyCheck: CUSTODY_CHECK_DAY,
    status: 'active',
    ...overrides,
  };
}

/** A register account with a primary key in Frankfurt and a backup in Dublin (the passing shape). */
export function keptApart(accountId: string): CustodyAccount {
  return {
    accountId,
    devices: [
      custodyDevice(fidoSerial(accountId, 'primary'), 'Frankfurt office safe'),
      custodyDevice(fidoSerial(accountId, 'backup'), 'Dublin bank vault'),
    ],
  };
}

/**
 * keptApart with the attestation a management account needs (AssumeRoot cannot list its devices): signed off by
 * the CISO on CUSTODY_CHECK_DAY, two hardware devices, no virtual one.
 */
export function attested(accountId: string, overrides: Partial<CustodyAttestation> = {}): CustodyAccount {
  return {
    ...keptApart(accountId),
    attestation: {
      date: CUSTODY_CHECK_DAY,
      signedOffBy: 'CISO',
      hardwareDevices: 2,
      noVirtualDevices: true,
      ...overrides,
    },
  };
}
