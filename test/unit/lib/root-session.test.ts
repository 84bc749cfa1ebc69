import { AssumeRootCommand, STSClient } from '@aws-sdk/client-sts';
import { baseClientConfig } from '../../../lib/clients';
import { CollectError } from '../../../lib/errors';
import {
  assumeRoot,
  InvalidRootSessionRegionError,
  rootSessionStsClient,
  rootSessionStsConfig,
  rootTaskPolicyArn,
} from '../../../lib/root-session';
import { MEMBER_ACCOUNT, REGION } from '../../helpers/constants';
import { endpointOf, useSdkMocks } from '../../helpers/sdk-mocks';

const { sts } = useSdkMocks({ sts: STSClient });

describe('lib/root-session', () => {
  it('refuses a pseudo-region, which would mean the global STS endpoint AssumeRoot does not support', () => {
    expect(() => rootSessionStsClient('aws-global')).toThrow(InvalidRootSessionRegionError);
    expect(rootSessionStsClient(REGION).config.useGlobalEndpoint).toBe(false);
  });

  it('pins the client to the Regional endpoint of the Region it is given, whatever the factory Region', async () => {
    // Prepare
    sts.on(AssumeRootCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAROOT',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(),
      },
    });
    const client = new STSClient({
      ...baseClientConfig(REGION),
      ...rootSessionStsConfig('us-east-1'),
    });

    // Act
    await assumeRoot(client, { accountId: MEMBER_ACCOUNT, taskPolicyArn: 'x', durationSeconds: 120 });

    // Assess
    expect(await endpointOf(sts.commandCalls(AssumeRootCommand)[0])).toBe(
      'https://sts.us-east-1.amazonaws.com/',
    );
  });

  it('asks AssumeRoot for the given task policy and duration, and hands back the credentials', async () => {
    const expiration = new Date(Date.now() + 120_000);
    sts.on(AssumeRootCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAROOT',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: expiration,
      },
    });
    const taskPolicyArn = rootTaskPolicyArn('aws', 'audit');

    const credentials = await assumeRoot(rootSessionStsClient(REGION), {
      accountId: MEMBER_ACCOUNT,
      taskPolicyArn,
      durationSeconds: 120,
    });

    expect(credentials).toEqual({
      accessKeyId: 'ASIAROOT',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration,
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRootCommand, {
      TargetPrincipal: MEMBER_ACCOUNT,
      TaskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials' },
      DurationSeconds: 120,
    });
  });

  it('refuses an answer without credentials', async () => {
    sts.on(AssumeRootCommand).resolves({});

    await expect(
      assumeRoot(rootSessionStsClient(REGION), {
        accountId: MEMBER_ACCOUNT,
        taskPolicyArn: 'x',
        durationSeconds: 120,
      }),
    ).rejects.toThrow(CollectError);
  });
});

describe('rootTaskPolicyArn', () => {
  it.each([
    ['aws', 'delete', 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
    ['aws-cn', 'delete', 'arn:aws-cn:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
    ['aws-us-gov', 'delete', 'arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials'],
    ['aws', 'audit', 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials'],
  ] as const)('names the %s %s task policy', (partition, task, arn) => {
    expect(rootTaskPolicyArn(partition, task)).toBe(arn);
  });
});
