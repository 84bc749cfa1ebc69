/**
 * SDK mocks (aws-sdk-client-mock, at Client#send): `useSdkMocks` for any set of clients, reset before each test;
 * and the mocks of the alert and findings Lambdas with the answers of a healthy account (call `reset()` in
 * `beforeEach`: every test starts from those answers).
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';

type ClientClass = Parameters<typeof mockClient>[0];

/**
 * The client a unit under test is handed (built for `region`) and its mock at Client#send, reset before each
 * test: `const { client, mock: configMock } = useMockedClient(ConfigServiceClient, 'eu-west-1')`.
 */
export function useMockedClient<T extends object>(
  ClientClass: (new (config: { region: string }) => T) & ClientClass,
  region: string,
): { client: T; mock: AwsClientStub<T> } {
  const { mock } = useSdkMocks({ mock: ClientClass });
  return { client: new ClientClass({ region }), mock: mock as unknown as AwsClientStub<T> };
}

/** What a mocked STS AssumeRole answers: temporary credentials with this access key id, valid for an hour. */
export const assumedRole = (accessKeyId: string) => ({
  Credentials: {
    AccessKeyId: accessKeyId,
    SecretAccessKey: 'assumed-secret',
    SessionToken: 'assumed-token',
    Expiration: new Date(Date.now() + 60 * 60 * 1000),
  },
});

/**
 * Mocks each client at Client#send (aws-sdk-client-mock) and resets every one of them before each test of the
 * calling file, ahead of the file's own beforeEach: `const { sts, iam } = useSdkMocks({ sts: STSClient, iam: IAMClient })`.
 */
export function useSdkMocks<T extends Record<string, ClientClass>>(
  clients: T,
): { [K in keyof T]: AwsClientStub<T[K] extends { prototype: infer C } ? C : never> } {
  const mocks = Object.fromEntries(
    Object.entries(clients).map(([name, client]) => [name, mockClient(client)]),
  );
  beforeEach(() => {
    for (const mock of Object.values(mocks)) mock.reset();
  });
  return mocks as { [K in keyof T]: AwsClientStub<T[K] extends { prototype: infer C } ? C : never> };
}

/** Security Hub accepting every import and workflow update. */
export function securityHubMock() {
  const hub = mockClient(SecurityHubClient);
  return {
    hub,
    reset() {
      hub.reset();
      hub.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
      hub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    },
  };
}

/** securityHubMock, reset before each test of the file that calls it (at its top level). */
export function useSecurityHubMock() {
  const { hub, reset } = securityHubMock();
  beforeEach(reset);
  return hub;
}

/** What the alert Lambda calls: SNS, SQS, Security Hub and the break-glass table (no window recorded). */
export function alertSdkMocks() {
  const { hub, reset: resetHub } = securityHubMock();
  const sns = mockClient(SNSClient);
  const sqs = mockClient(SQSClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  return {
    sns,
    sqs,
    hub,
    dynamo,
    reset() {
      resetHub();
      for (const mock of [sns, sqs, dynamo]) mock.reset();
      sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
      sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
      dynamo.on(QueryCommand).resolves({ Items: [] });
    },
  };
}

/** The access key id a mocked client call was signed with. */
export async function signedWith(call: { thisValue: unknown } | undefined): Promise<string | undefined> {
  const client = call?.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
  return (await client.config.credentials()).accessKeyId;
}

/**
 * The endpoint URL a mocked call's client would have sent it to: its own endpoint provider, fed the client's
 * resolved Region and endpoint flags (no request leaves the mock).
 */
export async function endpointOf(call: { thisValue: unknown } | undefined): Promise<string> {
  if (!call) throw new Error('no call was made');
  const config = (call.thisValue as { config: EndpointConfig }).config;
  const flag = async (value: boolean | (() => Promise<boolean>) | undefined): Promise<boolean> =>
    typeof value === 'function' ? value() : (value ?? false);
  return config.endpointProvider({
    Region: await config.region(),
    UseGlobalEndpoint: await flag(config.useGlobalEndpoint),
    UseFIPS: await flag(config.useFipsEndpoint),
    UseDualStack: await flag(config.useDualstackEndpoint),
  }).url.href;
}

interface EndpointConfig {
  region: () => Promise<string>;
  useGlobalEndpoint?: boolean | (() => Promise<boolean>);
  useFipsEndpoint?: boolean | (() => Promise<boolean>);
  useDualstackEndpoint?: boolean | (() => Promise<boolean>);
  endpointProvider: (params: Record<string, unknown>) => { url: URL };
}
