/**
 * A whole key custody register for tests (shape: lib/custody-register-types.ts), built from the entry builders of
 * test/helpers/mfa-devices.ts: two member accounts, each with a primary and a backup hardware device at different
 * sites, and the management account with its attestation. Every call returns a fresh register, so a test may
 * break one field without touching another test's register.
 */
import { stringify } from 'yaml';
import type { CustodyRegister } from '../../lib/custody-register-types';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT } from './constants';
import { CUSTODY_CHECK_DAY, custodyDevice, fidoSerial, totpSerial } from './mfa-devices';

export const CUSTODY_SERIALS = {
  memberPrimary: fidoSerial(MEMBER_ACCOUNT, 'primary'),
  memberBackup: totpSerial(1),
  otherPrimary: fidoSerial(OTHER_ACCOUNT, 'primary'),
  otherBackup: fidoSerial(OTHER_ACCOUNT, 'backup'),
  managementPrimary: fidoSerial(MANAGEMENT_ACCOUNT, 'primary'),
  managementBackup: totpSerial(2),
} as const;

export const PRIMARY_SITE = 'Frankfurt office safe';
export const BACKUP_SITE = 'Berlin bank vault';

export function custodyRegister(): CustodyRegister {
  const backup = { custodian: 'CISO office' };
  return {
    version: 1,
    accounts: [
      {
        accountId: MEMBER_ACCOUNT,
        devices: [
          custodyDevice(CUSTODY_SERIALS.memberPrimary, PRIMARY_SITE),
          custodyDevice(CUSTODY_SERIALS.memberBackup, BACKUP_SITE, backup),
        ],
      },
      {
        accountId: OTHER_ACCOUNT,
        devices: [
          custodyDevice(CUSTODY_SERIALS.otherPrimary, PRIMARY_SITE),
          custodyDevice(CUSTODY_SERIALS.otherBackup, BACKUP_SITE, backup),
        ],
      },
      {
        accountId: MANAGEMENT_ACCOUNT,
        devices: [
          custodyDevice(CUSTODY_SERIALS.managementPrimary, PRIMARY_SITE),
          custodyDevice(CUSTODY_SERIALS.managementBackup, BACKUP_SITE, backup),
        ],
        attestation: {
          date: CUSTODY_CHECK_DAY,
          signedOffBy: 'CISO',
          hardwareDevices: 2,
          noVirtualDevices: true,
        },
      },
    ],
  };
}

/** The register as a governance team would write it (account ids quoted, dates plain). */
export function custodyRegisterYaml(register: unknown = custodyRegister()): string {
  return stringify(register);
}
