/**
 * openRootSession on the wire: real SDK clients, serializers and endpoint rules, with a fake HTTP handler in
 * place of the network (no aws-sdk-client-mock here, which would replace `send` and hide the endpoint). It shows
 * that AssumeRoot goes to the Regional STS endpoint of the function's Region, never the global
 * sts.amazonaws.com (which refuses AssumeRoot), with the management role's signature and the right query, and
 * that the root user's IAM calls are signed with the AssumeRoot credentials.
 */
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { ClientFactory } from '../../../lib/clients';
import { openRootSession } from '../../../remediations/lib/root-session';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, ORG_ID } from '../../helpers/constants';
import { MANAGEMENT_ROLE_ARN } from './root-session-fixtures';

interface SentRequest {
  hostname: string;
  headers: Record<string, string>;
  body: string;
}

const MANAGEMENT_KEY = 'ASIAMANAGEMENTROLE01';
const ROOT_SESSION_KEY = 'ASIAROOTSESSION00001';

/** Credentials that stay valid while the test runs (the signer refuses expired ones). */
const credentialsXml = (accessKeyId: string) =>
  `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>` +
  `<SessionToken>token</SessionToken><Expiration>${new Date(Date.now() + 900_000).toISOString()}</Expiration></Credentials>`;

const xml = (action: string, namespace: string, result: string) =>
  `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
  `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;

/** Answers STS (AssumeRole, AssumeRoot), Organizations (DescribeOrganization) and IAM like AWS would. */
function answer(request: SentRequest): { contentType: string; body: string } {
  const sts = 'https://sts.amazonaws.com/doc/2011-06-15/';
  const iam = 'https://iam.amazonaws.com/doc/2010-05-08/';
  const action = new URLSearchParams(request.body).get('Action');
  if (request.hostname.startsWith('organizations.')) {
    return {
      contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({
        Organization: { Id: ORG_ID, FeatureSet: 'ALL', MasterAccountId: MANAGEMENT_ACCOUNT },
      }),
    };
  }
  const body = {
    AssumeRole: () =>
      xml(
        'AssumeRole',
        sts,
        `${credentialsXml(MANAGEMENT_KEY)}<AssumedRoleUser><Arn>${MANAGEMENT_ROLE_ARN}</Arn>` +
          '<AssumedRoleId>AROAEXAMPLE:rootguard</AssumedRoleId></AssumedRoleUser>',
      ),
    AssumeRoot: () => xml('AssumeRoot', sts, credentialsXml(ROOT_SESSION_KEY)),
    ListOrganizationsFeatures: () =>
      xml(
        'ListOrganizationsFeatures',
        iam,
        `<OrganizationId>${ORG_ID}</OrganizationId><EnabledFeatures><member>RootCredentialsManagement</member></EnabledFeatures>`,
      ),
    ListAccessKeys: () =>
      xml('ListAccessKeys', iam, '<AccessKeyMetadata></AccessKeyMetadata><IsTruncated>false</IsTruncated>'),
  }[action ?? ''];
  if (!body) throw new Error(`unexpected request to ${request.hostname}: ${request.body}`);
  return { contentType: 'text/xml', body: body() };
}

/** A stand-in for the SDK's HTTP handler that records each request and answers it. */
function fakeNetwork() {
  const sent: SentRequest[] = [];
  const requestHandler = {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: { hostname: string; headers: Record<string, string>; body?: unknown }) {
      const body =
        typeof request.body === 'string'
          ? request.body
          : Buffer.from((request.body as Uint8Array) ?? []).toString();
      const recorded = { hostname: request.hostname, headers: request.headers, body };
      sent.push(recorded);
      const reply = answer(recorded);
      return {
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: { 'content-type': reply.contentType, 'x-amzn-requestid': 'req-1' },
          body: new Uint8Array(Buffer.from(reply.body)),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return { sent, requestHandler };
}

const actionOf = (r: SentRequest) => new URLSearchParams(r.body).get('Action');

describe('openRootSession on the wire', () => {
  it.each([
    ['eu-west-1', 'sts.eu-west-1.amazonaws.com', 'aws'],
    ['us-east-1', 'sts.us-east-1.amazonaws.com', 'aws'],
    ['cn-north-1', 'sts.cn-north-1.amazonaws.com.cn', 'aws-cn'],
    ['us-gov-west-1', 'sts.us-gov-west-1.amazonaws.com', 'aws-us-gov'],
  ])('in %s sends AssumeRoot to %s, never the global endpoint', async (region, host, partition) => {
    const { sent, requestHandler } = fakeNetwork();
    const factory = new ClientFactory({ region, overrides: { requestHandler } });
    const roleArn = MANAGEMENT_ROLE_ARN.replace('arn:aws:', `arn:${partition}:`);

    await openRootSession({
      factory,
      managementRoleArn: roleArn,
      accountId: MEMBER_ACCOUNT,
      task: 'delete',
      sessionName: 'rootguard-delete-root-credentials',
    });

    const assumeRoot = sent.filter((r) => actionOf(r) === 'AssumeRoot');
    expect(assumeRoot).toHaveLength(1);
    expect(assumeRoot[0]?.hostname).toBe(host);
    expect(sent.map((r) => r.hostname)).not.toContain('sts.amazonaws.com');
    const query = new URLSearchParams(assumeRoot[0]?.body);
    expect(Object.fromEntries(query)).toEqual({
      Action: 'AssumeRoot',
      Version: '2011-06-15',
      TargetPrincipal: MEMBER_ACCOUNT,
      'TaskPolicyArn.arn': `arn:${partition}:iam::aws:policy/root-task/IAMDeleteRootUserCredentials`,
      DurationSeconds: '900',
    });
    // Signed by the management role's session, for the Region's STS.
    expect(assumeRoot[0]?.headers.authorization).toContain(`Credential=${MANAGEMENT_KEY}/`);
    expect(assumeRoot[0]?.headers.authorization).toContain(`/${region}/sts/aws4_request`);
  });

  it('asks in order: AssumeRole, DescribeOrganization, ListOrganizationsFeatures, AssumeRoot', async () => {
    const { sent, requestHandler } = fakeNetwork();

    await openRootSession({
      factory: new ClientFactory({ region: 'eu-west-1', overrides: { requestHandler } }),
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      accountId: MEMBER_ACCOUNT,
      task: 'delete',
      sessionName: 'rootguard-delete-root-credentials',
    });

    expect(sent.map((r) => actionOf(r) ?? r.headers['x-amz-target'])).toEqual([
      'AssumeRole',
      'AWSOrganizationsV20161128.DescribeOrganization',
      'ListOrganizationsFeatures',
      'AssumeRoot',
    ]);
  });

  it("signs the root user's IAM calls with the AssumeRoot session, without a UserName", async () => {
    const { sent, requestHandler } = fakeNetwork();
    const session = await openRootSession({
      factory: new ClientFactory({ region: 'eu-west-1', overrides: { requestHandler } }),
      managementRoleArn: MANAGEMENT_ROLE_ARN,
      accountId: MEMBER_ACCOUNT,
      task: 'delete',
      sessionName: 'rootguard-delete-root-credentials',
    });

    await session.iam.send(new ListAccessKeysCommand({}));

    const list = sent.find((r) => actionOf(r) === 'ListAccessKeys');
    expect(list?.hostname).toBe('iam.amazonaws.com');
    expect(list?.headers.authorization).toContain(`Credential=${ROOT_SESSION_KEY}/`);
    expect(new URLSearchParams(list?.body).has('UserName')).toBe(false);
  });
});
