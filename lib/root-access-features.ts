/**
 * Centralized root access as the organization snapshot records it: which of IAM's organization features
 * (`iam:ListOrganizationsFeatures`: `RootCredentialsManagement`, `RootSessions`) are enabled, or why they could not
 * be read. SDK-free, so a rule's pure evaluate and the offline CLI can use it; the read itself is in
 * lib/org-snapshot.ts (`readRootAccessFeatures`), with the snapshot builder's role.
 *
 * There is no default: a snapshot either holds what IAM answered or the reason it did not answer, and a snapshot
 * built before rootguard read the features has no `rootAccessFeatures` at all (never "enabled", never "disabled").
 */
import * as z from './zod-mini';

/** The management account (or IAM delegated administrator) can delete member root credentials (AssumeRoot tasks). */
export const ROOT_CREDENTIALS_MANAGEMENT = 'RootCredentialsManagement';
/** The management account (or IAM delegated administrator) can open privileged root sessions in member accounts. */
export const ROOT_SESSIONS = 'RootSessions';
/** Both together are "centralized root access" (CIS AWS Foundations v7.0.0 2.1.1). */
export const CENTRALIZED_ROOT_ACCESS_FEATURES = [ROOT_CREDENTIALS_MANAGEMENT, ROOT_SESSIONS] as const;

/** The command that enables each feature, run in the management account (or the IAM delegated administrator). */
export const ENABLE_FEATURE_COMMAND: Readonly<Record<string, string>> = {
  [ROOT_CREDENTIALS_MANAGEMENT]: 'aws iam enable-organizations-root-credentials-management',
  [ROOT_SESSIONS]: 'aws iam enable-organizations-root-sessions',
};

/** Why `iam:ListOrganizationsFeatures` gave no feature list. */
export const UNREADABLE_REASONS = [
  /** The reader's role may not call it (management-account.yaml OrgReadRole, or the builder's own role). */
  'ACCESS_DENIED',
  /** OrganizationNotInAllFeaturesModeException, or DescribeOrganization said so (the call is then not made). */
  'NOT_ALL_FEATURES',
  /** ServiceAccessNotEnabledException: trusted access for IAM in Organizations is off, so no feature can be on. */
  'TRUSTED_ACCESS_DISABLED',
  /** AccountNotManagementOrDelegatedAdministratorException: the reader is in the wrong account. */
  'NOT_ADMINISTRATOR',
  /** OrganizationNotFoundException: IAM sees no organization for the reader. */
  'NO_ORGANIZATION',
  /** Throttled after the SDK's adaptive retries. */
  'THROTTLED',
  /** Anything else (a malformed answer, an unknown error); `error` says what. */
  'FAILED',
] as const;
export type UnreadableReason = (typeof UNREADABLE_REASONS)[number];

/** At most this much of an error is kept in the snapshot (annotations stop at 256 characters anyway). */
export const MAX_ERROR_LENGTH = 200;

export const rootAccessFeaturesSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('READ'),
    /** As IAM listed them (possibly empty), sorted. */
    enabledFeatures: z.array(z.string().check(z.minLength(1))),
  }),
  z.object({
    status: z.literal('UNREADABLE'),
    reason: z.enum(UNREADABLE_REASONS),
    /** The error's name and message, bounded. */
    error: z.string().check(z.maxLength(MAX_ERROR_LENGTH)),
  }),
]);

export type RootAccessFeatures = z.infer<typeof rootAccessFeaturesSchema>;

/** The centralized root access features the organization has not enabled, in CENTRALIZED_ROOT_ACCESS_FEATURES order. */
export function missingRootAccessFeatures(enabledFeatures: readonly string[]): string[] {
  return CENTRALIZED_ROOT_ACCESS_FEATURES.filter((feature) => !enabledFeatures.includes(feature));
}
