/** Defaults of `scan --org`, apart from cli/org-scan.ts so the offline CLI can name them without loading the SDK. */

/** The member StackSet's execution role (stacksets/member-account.yaml, ExecutionRoleName). */
export const DEFAULT_EXECUTION_ROLE_NAME = 'RootGuardExecutionRole';
/** Accounts read at once. */
export const DEFAULT_CONCURRENCY = 16;
