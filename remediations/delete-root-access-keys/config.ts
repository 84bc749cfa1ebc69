/**
 * The delete-root-access-keys Lambda's configuration: environment variables set by serverless.yml, validated
 * once when the handler is created (cold start), so a deployment mistake fails every step with one message
 * naming every bad variable.
 *
 * - MANAGEMENT_ROLE_ARN: the management-account role the Lambda assumes before sts:AssumeRoot
 *   (stacksets/management-account.yaml, RootCredentialsRemediationRole). Blank: the function's own role
 *   calls directly, for a tooling account that is the IAM delegated administrator.
 * - EXECUTION_READER_ROLE_NAME: optional (default RootGuardRemediationReader); the role assumed in the member
 *   account to read the execution record when AWS Config ran the document there (stacksets/member-remediation.yaml).
 * - DELETE_ROOT_ACCESS_KEYS_DOCUMENT_NAME: optional; only executions of this document may run the step.
 * - AWS_REGION: set by Lambda; the Regional STS endpoint AssumeRoot is sent to.
 */
import { rootCredentialsRemediationConfig } from '../lib/root-credentials-config';

/**
 * The folder of this remediation and, following from it, the document name, its variable and the loader
 * (remediations/lib/root-credentials-config.ts).
 */
export const CONFIG = rootCredentialsRemediationConfig('delete-root-access-keys');
