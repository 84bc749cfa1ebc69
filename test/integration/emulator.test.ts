/**
 * Smoke tests of the integration harness: real SDK v3 clients talk HTTP to the moto_server that
 * global-setup.ts started, for every service rootguard uses. They pin the emulator behaviours that other
 * integration tests rely on (moto 5.2.1), so an emulator upgrade that changes one fails here first.
 */
import {
  ComplianceType,
  ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import {
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  BatchImportFindingsCommand,
  EnableSecurityHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateDocumentCommand, DescribeDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, OTHER_ACCOUNT, rootArn } from '../helpers/constants';
import {
  EMULATOR_REGION,
  emulatorClient,
  emulatorClientFactory,
  MOTO_DEFAULT_ACCOUNT,
  motoEndpoint,
  resetEmulator,
} from '../helpers/emulator';

const ROOT_SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';

beforeEach(async () => {
  await resetEmulator();
});

describe('moto_server harness', () => {
  it('serves on a loopback port', () => {
    expect(motoEndpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers STS GetCallerIdentity as the default account', async () => {
    const out = await emulatorClient(STSClient).send(new GetCallerIdentityCommand({}));

    expect(out.Account).toBe(MOTO_DEFAULT_ACCOUNT);
    expect(out.Arn).toBe(`arn:aws:sts::${MOTO_DEFAULT_ACCOUNT}:user/moto`);
  });

  it('acts in the account named by accountId and keeps accounts apart', async () => {
    const sts = emulatorClient(STSClient, { accountId: MEMBER_ACCOUNT });
    await emulatorClient(IAMClient, { accountId: MEMBER_ACCOUNT }).send(
      new CreateUserCommand({ UserName: 'alice' }),
    );

    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(MEMBER_ACCOUNT);
    const inDefault = await emulatorClient(IAMClient).send(new ListUsersCommand({}));
    expect(inDefault.Users).toEqual([]);
  });

  it('gives the ClientFactory clients in the chosen account, and assumed-role clients in the role account', async () => {
    const factory = emulatorClientFactory(EMULATOR_REGION, MEMBER_ACCOUNT);
    const own = await factory.client(STSClient).send(new GetCallerIdentityCommand({}));
    expect(own.Account).toBe(MEMBER_ACCOUNT);

    // moto does not check that the role exists or trusts the caller; the keys it hands out map to the role's account.
    const credentials = await factory.assumeRole(
      `arn:aws:iam::${OTHER_ACCOUNT}:role/rootguard-exec`,
      'smoke',
    );
    const assumed = await factory.client(STSClient, { credentials }).send(new GetCallerIdentityCommand({}));
    expect(assumed.Arn).toBe(`arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/rootguard-exec/smoke`);
  });

  it('assumes a role through STS with plain SDK clients', async () => {
    const out = await emulatorClient(STSClient).send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/anything`,
        RoleSessionName: 's',
      }),
    );

    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/anything/s`);
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });
});

describe('Organizations', () => {
  it('creates an organization in the default account and lists its root', async () => {
    const org = emulatorClient(OrganizationsClient);
    await expect(org.send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
    });

    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const roots = await org.send(new ListRootsCommand({}));

    expect(created.Organization?.MasterAccountId).toBe(MOTO_DEFAULT_ACCOUNT);
    expect(roots.Roots).toHaveLength(1);
    expect(roots.Roots?.[0]?.Id).toMatch(/^r-[0-9a-z]{4,32}$/);
    // The root lists no enabled policy types until EnablePolicyType is called.
    expect(roots.Roots?.[0]?.PolicyTypes).toEqual([]);
  });
});

describe('Config', () => {
  const evaluation: Evaluation = {
    ComplianceResourceType: 'AWS::::Account',
    ComplianceResourceId: MOTO_DEFAULT_ACCOUNT,
    ComplianceType: ComplianceType.Compliant,
    Annotation: `Account ${MOTO_DEFAULT_ACCOUNT} root user has MFA.`,
    OrderingTimestamp: new Date(NOTIFICATION_TIME),
  };

  it('accepts PutEvaluations in test mode and reports no failed evaluations', async () => {
    const out = await emulatorClient(ConfigServiceClient).send(
      new PutEvaluationsCommand({ Evaluations: [evaluation], ResultToken: 'TESTMODE', TestMode: true }),
    );

    expect(out.FailedEvaluations).toEqual([]);
  });

  it('cannot take PutEvaluations outside test mode (moto answers HTTP 500)', async () => {
    await expect(
      emulatorClient(ConfigServiceClient).send(
        new PutEvaluationsCommand({ Evaluations: [evaluation], ResultToken: 'TESTMODE' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });
});

describe('EventBridge', () => {
  it('delivers a matching event from a custom bus to an SQS queue, without a queue policy', async () => {
    const events = emulatorClient(EventBridgeClient);
    const sqs = emulatorClient(SQSClient);
    await events.send(new CreateEventBusCommand({ Name: 'rootguard-central' }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'root-activity' }));
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(
      new PutRuleCommand({
        Name: 'root-sign-in',
        EventBusName: 'rootguard-central',
        EventPattern: JSON.stringify({
          source: ['aws.signin'],
          'detail-type': [ROOT_SIGN_IN_DETAIL_TYPE],
          detail: { userIdentity: { type: ['Root'] } },
        }),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'root-sign-in',
        EventBusName: 'rootguard-central',
        Targets: [{ Id: 'queue', Arn: attributes.Attributes?.QueueArn }],
      }),
    );
    const signIn = (type: string) => ({
      EventBusName: 'rootguard-central',
      Source: 'aws.signin',
      DetailType: ROOT_SIGN_IN_DETAIL_TYPE,
      Detail: JSON.stringify({
        userIdentity: { type, arn: rootArn(MOTO_DEFAULT_ACCOUNT) },
        eventName: 'ConsoleLogin',
      }),
    });

    const put = await events.send(new PutEventsCommand({ Entries: [signIn('Root'), signIn('IAMUser')] }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );

    expect(put.FailedEntryCount).toBe(0);
    expect(received.Messages).toHaveLength(1);
    const body = JSON.parse(received.Messages?.[0]?.Body ?? '{}');
    expect(body).toMatchObject({
      source: 'aws.signin',
      'detail-type': ROOT_SIGN_IN_DETAIL_TYPE,
      region: EMULATOR_REGION,
      detail: { userIdentity: { type: 'Root' } },
    });
  });
});

describe('Security Hub', () => {
  it('imports findings and returns them from GetFindings', async () => {
    const hub = emulatorClient(SecurityHubClient);
    await hub.send(new EnableSecurityHubCommand({}));
    const now = new Date(NOTIFICATION_TIME).toISOString();
    const productArn = `arn:aws:securityhub:${EMULATOR_REGION}:${MOTO_DEFAULT_ACCOUNT}:product/${MOTO_DEFAULT_ACCOUNT}/default`;

    const imported = await hub.send(
      new BatchImportFindingsCommand({
        Findings: [
          {
            SchemaVersion: '2018-10-08',
            Id: `rootguard/root-mfa-enabled/${MOTO_DEFAULT_ACCOUNT}`,
            ProductArn: productArn,
            GeneratorId: 'rootguard/root-mfa-enabled',
            AwsAccountId: MOTO_DEFAULT_ACCOUNT,
            Types: [
              'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
            ],
            CreatedAt: now,
            UpdatedAt: now,
            Severity: { Label: 'CRITICAL' },
            Title: 'The root user has MFA enabled',
            Description: `Account ${MOTO_DEFAULT_ACCOUNT} root user has no MFA.`,
            Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${MOTO_DEFAULT_ACCOUNT}` }],
            Compliance: { Status: 'FAILED' },
          },
        ],
      }),
    );
    const found = await hub.send(new GetFindingsCommand({}));

    expect(imported).toMatchObject({ SuccessCount: 1, FailedCount: 0 });
    expect(found.Findings).toHaveLength(1);
    expect(found.Findings?.[0]).toMatchObject({
      GeneratorId: 'rootguard/root-mfa-enabled',
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'CRITICAL' },
    });
  });
});

describe('SSM', () => {
  it('creates an Automation document from YAML with schemaVersion 0.3', async () => {
    const ssm = emulatorClient(SSMClient);
    const content = [
      "schemaVersion: '0.3'",
      'description: Smoke-test automation.',
      "assumeRole: '{{ AutomationAssumeRole }}'",
      'parameters:',
      '  AutomationAssumeRole:',
      '    type: String',
      "    allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$'",
      'mainSteps:',
      '  - name: wait',
      '    action: aws:sleep',
      '    inputs:',
      '      Duration: PT1S',
      '',
    ].join('\n');

    const created = await ssm.send(
      new CreateDocumentCommand({
        Name: 'rootguard-SmokeTest',
        Content: content,
        DocumentType: 'Automation',
        DocumentFormat: 'YAML',
      }),
    );
    const described = await ssm.send(new DescribeDocumentCommand({ Name: 'rootguard-SmokeTest' }));

    expect(created.DocumentDescription).toMatchObject({ Status: 'Active', SchemaVersion: '0.3' });
    expect(described.Document?.Parameters).toEqual([{ Name: 'AutomationAssumeRole', Type: 'String' }]);
  });
});
