/** AWS partitions rootguard supports, and the ARNs that depend on them. */

export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

export function partitionForRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Reads the partition out of an ARN (`arn:<partition>:...`), or undefined if it is not a known one. */
export function partitionFromArn(arn: string | undefined): Partition | undefined {
  const candidate = arn?.split(':')[1];
  return (PARTITIONS as readonly string[]).includes(candidate ?? '') ? (candidate as Partition) : undefined;
}

/** The root user's ARN: `arn:<partition>:iam::<account>:root`. Compare ARNs exactly, never by substring. */
export function rootUserArn(partition: Partition, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

export function roleArn(partition: Partition, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** The account field of an ARN (`arn:partition:service:region:account:resource`), if it is 12 digits. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && ACCOUNT_ID_PATTERN.test(account) ? account : undefined;
}
