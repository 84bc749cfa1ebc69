/** GetAccountSummary SummaryMap builders. */
export interface RootSummaryOptions {
  mfa?: boolean;
  accessKeys?: boolean;
  password?: boolean;
  signingCertificates?: boolean;
}

export function summaryMap(options: RootSummaryOptions = {}): Record<string, number> {
  return {
    Users: 3,
    AccountMFAEnabled: options.mfa === false ? 0 : 1,
    AccountAccessKeysPresent: options.accessKeys ? 1 : 0,
    AccountPasswordPresent: options.password === false ? 0 : 1,
    AccountSigningCertificatesPresent: options.signingCertificates ? 1 : 0,
  };
}

/** A root user from which centralized root access has removed every credential. */
export const NO_ROOT_CREDENTIALS: RootSummaryOptions = {
  mfa: false,
  accessKeys: false,
  password: false,
  signingCertificates: false,
};
