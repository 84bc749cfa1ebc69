/** Named constants shared by tests: accounts, partitions, times. */
export const MANAGEMENT_ACCOUNT = '111111111111';
export const MEMBER_ACCOUNT = '222222222222';
export const OTHER_ACCOUNT = '333333333333';
export const SECURITY_TOOLING_ACCOUNT = '444444444444';

export const ORG_ID = 'o-exampleorgid';
export const ORG_ROOT_ID = 'r-ab12';
/** Two OUs of the example organization: MEMBER_ACCOUNT sits in OU_PROD, inside OU_WORKLOADS. */
export const OU_WORKLOADS = 'ou-ab12-workload';
export const OU_PROD = 'ou-ab12-prod0001';

export const REGION = 'eu-west-1';
export const NOTIFICATION_TIME = '2026-11-20T06:00:00.000Z';
export const RULE_NAME = 'rootguard-rule';
export const RESULT_TOKEN = 'result-token-abc';

export const rootArn = (accountId: string, partition = 'aws') => `arn:${partition}:iam::${accountId}:root`;
export const userArn = (accountId: string, name: string, partition = 'aws') =>
  `arn:${partition}:iam::${accountId}:user/${name}`;
