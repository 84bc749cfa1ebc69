/**
 * The root user's credentials as facts, and what they mean. SDK-free so pure evaluate code (and the offline
 * CLI) can use it without loading any AWS client.
 */

/** What `iam:GetAccountSummary` says about the root user (true = present). */
export interface RootCredentialSummary {
  mfaEnabled: boolean;
  accessKeysPresent: boolean;
  signingCertificatesPresent: boolean;
  /** Absent from older responses: undefined means unknown, which never counts as "no password". */
  passwordPresent?: boolean;
}

/** True when root holds no password, access key, signing certificate or MFA device (centralized root access). */
export function hasNoRootCredentials(summary: RootCredentialSummary): boolean {
  return (
    summary.passwordPresent === false &&
    !summary.accessKeysPresent &&
    !summary.signingCertificatesPresent &&
    !summary.mfaEnabled
  );
}

/** A virtual (authenticator-app) MFA device assigned to the root user. */
export interface RootVirtualMfaDevice {
  serialNumber: string;
  enableDate?: string;
}
