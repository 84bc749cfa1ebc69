/**
 * One home for what an MFA device of the root user is: its kind, read from its serial number alone.
 *
 * Why from the serial: the root audit session of centralized root access (sts:AssumeRoot with the task policy
 * IAMAuditRootUserCredentials) may call iam:ListMFADevices on the root user but not iam:ListVirtualMFADevices,
 * so the serial is all there is. IAM spells the three kinds apart (ARCHITECTURE.md, "AWS facts"):
 *   - a FIDO security key (passkey) is an ARN whose resource is `u2f/…`  (arn:aws:iam::111122223333:u2f/root/…)
 *   - a virtual (authenticator-app) device is an ARN whose resource is `mfa/…` (arn:aws:iam::111122223333:mfa/…)
 *   - a hardware TOTP token is the bare serial printed on the token (e.g. GAHT12345678), not an ARN.
 * Anything else is `unknown` and is never counted as hardware: a serial we cannot read fails closed.
 */

export const MFA_DEVICE_KINDS = ['fido', 'hardware-totp', 'virtual', 'unknown'] as const;
export type MfaDeviceKind = (typeof MFA_DEVICE_KINDS)[number];

/** The kinds a custody register may record (an `unknown` device cannot be registered). */
export const REGISTRABLE_MFA_DEVICE_KINDS = ['fido', 'hardware-totp', 'virtual'] as const;
export type RegistrableMfaDeviceKind = (typeof REGISTRABLE_MFA_DEVICE_KINDS)[number];

export interface MfaDevice {
  serialNumber: string;
  kind: MfaDeviceKind;
  /** ISO-8601; absent when the source did not say. */
  enableDate?: string;
}

// arn:<partition>:iam::<12 digits>:<resource>. The account part is empty on some virtual device ARNs in old
// records, so it is optional here; the resource decides the kind.
const IAM_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::(?:\d{12})?:(?<resource>.+)$/;
// Hardware TOTP serials: letters and digits, as printed on the token (AWS accepts 9 to 256 characters of
// [\w+=/:,.@-]; real tokens are upper-case alphanumerics such as GAHT12345678).
const HARDWARE_SERIAL = /^[A-Za-z0-9]{6,64}$/;

/** The kind of a root MFA device, from its serial number (see the file comment for the sources). */
export function classifyMfaSerial(serialNumber: string): MfaDeviceKind {
  const arn = IAM_ARN.exec(serialNumber);
  if (arn?.groups) {
    const resource = arn.groups.resource as string;
    if (resource.startsWith('u2f/')) return 'fido';
    if (resource.startsWith('mfa/')) return 'virtual';
    return 'unknown';
  }
  if (serialNumber.startsWith('arn:')) return 'unknown';
  return HARDWARE_SERIAL.test(serialNumber) ? 'hardware-totp' : 'unknown';
}

export function isHardwareKind(kind: MfaDeviceKind): boolean {
  return kind === 'fido' || kind === 'hardware-totp';
}
