/**
 * The shape of the key custody register (the YAML a governance team keeps: which root MFA devices exist, who
 * holds each and where). Types only, so the rules, the alert path and the CLI agree on one shape; parsing and
 * validation live in lib/custody-register.ts, reading the published copy in lib/custody-register-store.ts.
 */
import type { RegistrableMfaDeviceKind } from './mfa-device';

export const CUSTODY_DEVICE_STATUSES = ['active', 'retired', 'lost'] as const;
export type CustodyDeviceStatus = (typeof CUSTODY_DEVICE_STATUSES)[number];

export interface CustodyDevice {
  /** Exactly as IAM lists it: a u2f/mfa ARN or a hardware token's printed serial. */
  serialNumber: string;
  kind: RegistrableMfaDeviceKind;
  /** Who holds the device (a person or a role such as "CISO office"). */
  custodian: string;
  /** Where it is kept; primary and backup must not share a site. */
  site: string;
  /** YYYY-MM-DD of the last time someone checked the device is where the register says. */
  lastCustodyCheck: string;
  status: CustodyDeviceStatus;
}

/** The management account's signed-off statement of its root devices (AssumeRoot cannot reach it). */
export interface CustodyAttestation {
  /** YYYY-MM-DD */
  date: string;
  signedOffBy: string;
  /** How many hardware devices the signer saw registered on root. */
  hardwareDevices: number;
  /** The signer saw no virtual device on root. */
  noVirtualDevices: boolean;
}

export interface CustodyAccount {
  accountId: string;
  devices: CustodyDevice[];
  attestation?: CustodyAttestation;
}

export interface CustodyRegister {
  version: 1;
  accounts: CustodyAccount[];
}
