/**
 * A key custody register for tests (shape: lib/custody-register-types.ts): two member accounts with a primary
 * and a backup hardware device at different sites, and the management account with its attestation. Builders
 * return fresh objects, so a test may break one field without touching another test's register.
 */
import { stringify } from 'yaml';
import type { CustodyAccount, CustodyDevice, CustodyRegister } from '../../lib/custody-register-types';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT } from './constants';

export const CUSTODY_SERIALS = {
  memberPrimary: `arn:aws:iam::${MEMBER_ACCOUNT}:u2f/root/primary-key-AbCdEf`,
  memberBackup: 'GAHT12345678',
  otherPrimary: `arn:aws:iam::${OTHER_ACCOUNT}:u2f/root/primary-key-GhIjKl`,
  otherBackup: `arn:aws:iam::${OTHER_ACCOUNT}:u2f/root/backup-key-MnOpQr`,
  managementPrimary: `arn:aws:iam::${MANAGEMENT_ACCOUNT}:u2f/root/primary-key-StUvWx`,
  managementBackup: 'GAHT87654321',
} as const;

/** The date of the last custody check of every device in the fixture. */
export const LAST_CUSTODY_CHECK = '2026-10-01';

export function custodyDevice(overrides: Partial<CustodyDevice> = {}): CustodyDevice {
  return {
    serialNumber: CUSTODY_SERIALS.memberPrimary,
    kind: 'fido',
    custodian: 'Security on-call lead',
    site: 'Frankfurt office safe',
    lastCustodyCheck: LAST_CUSTODY_CHECK,
    status: 'active',
    ...overrides,
  };
}

export function custodyRegister(): CustodyRegister {
  const account = (accountId: string, devices: CustodyDevice[]): CustodyAccount => ({ accountId, devices });
  return {
    version: 1,
    accounts: [
      account(MEMBER_ACCOUNT, [
        custodyDevice(),
        custodyDevice({
          serialNumber: CUSTODY_SERIALS.memberBackup,
          kind: 'hardware-totp',
          custodian: 'CISO office',
          site: 'Berlin bank vault',
        }),
      ]),
      account(OTHER_ACCOUNT, [
        custodyDevice({ serialNumber: CUSTODY_SERIALS.otherPrimary }),
        custodyDevice({
          serialNumber: CUSTODY_SERIALS.otherBackup,
          custodian: 'CISO office',
          site: 'Berlin bank vault',
        }),
      ]),
      {
        ...account(MANAGEMENT_ACCOUNT, [
          custodyDevice({ serialNumber: CUSTODY_SERIALS.managementPrimary }),
          custodyDevice({
            serialNumber: CUSTODY_SERIALS.managementBackup,
            kind: 'hardware-totp',
            custodian: 'CISO office',
            site: 'Berlin bank vault',
          }),
        ]),
        attestation: {
          date: LAST_CUSTODY_CHECK,
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
