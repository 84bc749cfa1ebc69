/**
 * Defaults of the live commands (`scan --org`, `custody diff --org`, `custody publish`, `report` live), apart from
 * cli/org-scan.ts so the offline CLI can name them without loading the SDK.
 */

/** The member StackSet's execution role (stacksets/member-account.yaml, ExecutionRoleName). */
export const DEFAULT_EXECUTION_ROLE_NAME = 'RootGuardExecutionRole';
/** Accounts read at once. */
export const DEFAULT_CONCURRENCY = 16;

/** The Region a live command reads: --region, else the SDK's environment variables, else us-east-1. */
export const resolveRegion = (region: string | undefined): string =>
  region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
