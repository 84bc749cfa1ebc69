/**
 * The alert and findings Lambdas each read where to import Security Hub findings from their own function ARN
 * (`importTargetFrom`); this is what both must read, in the commercial partition and in GovCloud.
 */
import { SECURITY_TOOLING_ACCOUNT } from './constants';

type ImportTargetFrom = (functionArn: string, region: string) => unknown;

export function expectImportTargetRead(importTargetFrom: ImportTargetFrom, functionArn: string): void {
  expect(importTargetFrom(functionArn, 'eu-west-1')).toEqual({
    partition: 'aws',
    region: 'eu-west-1',
    importerAccountId: SECURITY_TOOLING_ACCOUNT,
  });
  expect(
    importTargetFrom(
      `arn:aws-us-gov:lambda:us-gov-west-1:${SECURITY_TOOLING_ACCOUNT}:function:f`,
      'us-gov-west-1',
    ),
  ).toMatchObject({ partition: 'aws-us-gov' });
}
