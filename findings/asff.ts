/**
 * The AWS Security Finding Format pieces every rootguard finding shares (root-activity alerts and Config
 * compliance findings), kept pure: callers pass the times and the importing account.
 */
import type { AwsSecurityFinding, SeverityLabel } from '@aws-sdk/client-securityhub';
import { oneLine } from '../lib/escape';
import { accountOfArn, type Partition, partitionForRegion, partitionFromArn } from '../lib/partition';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const PRODUCT_NAME = 'rootguard';
export const COMPANY_NAME = 'rootguard';

/** Where a finding is imported: the Security Hub (delegated) administrator, i.e. the security tooling account. */
export interface ImportTarget {
  partition: Partition;
  region: string;
  /** The account that calls BatchImportFindings. */
  importerAccountId: string;
}

/** Findings from a custom integration use the importing account's default product. */
export function defaultProductArn(target: ImportTarget): string {
  return `arn:${target.partition}:securityhub:${target.region}:${target.importerAccountId}:product/${target.importerAccountId}/default`;
}

export function accountResource(
  target: ImportTarget,
  accountId: string,
): NonNullable<AwsSecurityFinding['Resources']>[number] {
  return {
    Type: 'AwsAccount',
    Id: `AWS::::Account:${accountId}`,
    Partition: target.partition,
    Region: target.region,
  };
}

/**
 * ASFF text fields have length limits (cut rather than have the whole import rejected) and, since many of them
 * carry values a member account chose, no control characters: every ASFF text goes through lib/escape.ts.
 */
export function clip(text: string, max: number): string {
  return oneLine(text, max);
}

export const TITLE_MAX = 256;
export const DESCRIPTION_MAX = 1024;
/** A UserDefinedFields value. */
export const USER_DEFINED_VALUE_MAX = 1024;

/**
 * The importing account is the one the Lambda runs in: the 5th field of
 * `arn:<partition>:lambda:<region>:<account>:function:<name>`, the partition coming from the same ARN.
 * Undefined when the ARN is missing or malformed (the caller names the problem in its own error).
 */
export function importTargetFromFunctionArn(
  invokedFunctionArn: string | undefined,
  securityHubRegion: string,
): ImportTarget | undefined {
  const importerAccountId = accountOfArn(invokedFunctionArn);
  if (importerAccountId === undefined) return undefined;
  return {
    partition: partitionFromArn(invokedFunctionArn) ?? partitionForRegion(securityHubRegion),
    region: securityHubRegion,
    importerAccountId,
  };
}

/**
 * Like importTargetFromFunctionArn, but throws `InvalidConfig` (the caller's own configuration error) when
 * the importing account cannot be told.
 */
export function requireImportTarget(
  invokedFunctionArn: string | undefined,
  securityHubRegion: string,
  InvalidConfig: new (message: string) => Error,
): ImportTarget {
  const target = importTargetFromFunctionArn(invokedFunctionArn, securityHubRegion);
  if (!target) {
    throw new InvalidConfig(
      `Cannot tell the importing account from the Lambda context (invokedFunctionArn ${invokedFunctionArn ?? 'missing'})`,
    );
  }
  return target;
}

export interface FindingBaseInput {
  id: string;
  generatorId: string;
  target: ImportTarget;
  types: string[];
  severity: SeverityLabel;
  /** FirstObservedAt and LastObservedAt. */
  observedAt: string;
  /** CreatedAt and UpdatedAt. */
  importedAt: string;
}

type FindingBaseField =
  | 'SchemaVersion'
  | 'Id'
  | 'ProductArn'
  | 'ProductName'
  | 'CompanyName'
  | 'GeneratorId'
  | 'AwsAccountId'
  | 'Types'
  | 'FirstObservedAt'
  | 'LastObservedAt'
  | 'CreatedAt'
  | 'UpdatedAt'
  | 'Severity'
  | 'FindingProviderFields';

export type FindingBase = { [K in FindingBaseField]-?: NonNullable<AwsSecurityFinding[K]> };

/**
 * The fields every rootguard finding fills the same way. AwsAccountId is the importing account (with the
 * default product ARN Security Hub accepts only the caller's own findings); Severity and Types are repeated
 * under FindingProviderFields, where Security Hub reads a provider's values from on updates.
 */
export function findingBase(input: FindingBaseInput): FindingBase {
  const severity = { Label: input.severity, Original: input.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: input.id,
    ProductArn: defaultProductArn(input.target),
    ProductName: PRODUCT_NAME,
    CompanyName: COMPANY_NAME,
    GeneratorId: input.generatorId,
    AwsAccountId: input.target.importerAccountId,
    Types: input.types,
    FirstObservedAt: input.observedAt,
    LastObservedAt: input.observedAt,
    CreatedAt: input.importedAt,
    UpdatedAt: input.importedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: input.types },
  };
}
