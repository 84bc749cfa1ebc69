import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { baseClientConfig, ClientFactory, DEFAULT_MAX_ATTEMPTS } from '../../../lib/clients';
import { AccessDeniedError, CollectError } from '../../../lib/errors';
import { MEMBER_ACCOUNT, REGION } from '../../helpers/constants';
import { useSdkMocks } from '../../helpers/sdk-mocks';

const { stsMock } = useSdkMocks({ stsMock: STSClient });

const ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/RootGuardExecutionRole`;
const SESSION = 'rootguard-root-mfa-enabled';
const START = Date.parse('2026-11-20T06:00:00.000Z');
const MINUTE = 60 * 1000;

const credentials = (id: string): AwsCredentialIdentity => ({
  accessKeyId: id,
  secretAccessKey: `secret-${id}`,
});

let now: number;

function stsReturns(accessKeyId: string, expiresInMs: number | undefined) {
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: `secret-${accessKeyId}`,
      SessionToken: `token-${accessKeyId}`,
      Expiration: expiresInMs === undefined ? undefined : new Date(now + expiresInMs),
    },
  });
}

beforeEach(() => {
  now = START;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('ClientFactory.client', () => {
  it('returns the same client for the same type, region and credentials', () => {
    const factory = new ClientFactory({ region: REGION });

    expect(factory.client(IAMClient)).toBe(factory.client(IAMClient));
    expect(factory.client(IAMClient, { region: REGION })).toBe(factory.client(IAMClient));
    expect(factory.client(IAMClient, { credentials: credentials('AKIA1') })).toBe(
      factory.client(IAMClient, { credentials: credentials('AKIA1') }),
    );
  });

  it('builds a separate client per client type', () => {
    const factory = new ClientFactory({ region: REGION });

    expect(factory.client(IAMClient)).not.toBe(factory.client(ConfigServiceClient));
    expect(factory.client(ConfigServiceClient)).toBeInstanceOf(ConfigServiceClient);
  });

  it('builds a separate client per region', async () => {
    const factory = new ClientFactory({ region: REGION });

    const other = factory.client(IAMClient, { region: 'us-east-1' });

    expect(other).not.toBe(factory.client(IAMClient));
    await expect(other.config.region()).resolves.toBe('us-east-1');
    await expect(factory.client(IAMClient).config.region()).resolves.toBe(REGION);
  });

  it('builds a separate client per credentials, using them', async () => {
    const factory = new ClientFactory({ region: REGION });

    const first = factory.client(IAMClient, { credentials: credentials('AKIA1') });
    const second = factory.client(IAMClient, { credentials: credentials('AKIA2') });

    expect(first).not.toBe(second);
    expect(first).not.toBe(factory.client(IAMClient));
    await expect(second.config.credentials()).resolves.toMatchObject({ accessKeyId: 'AKIA2' });
  });

  it('does not share clients between factories', () => {
    expect(new ClientFactory({ region: REGION }).client(IAMClient)).not.toBe(
      new ClientFactory({ region: REGION }).client(IAMClient),
    );
  });

  it('configures adaptive retries', async () => {
    const client = new ClientFactory({ region: REGION }).client(IAMClient);

    expect(client.config.retryMode).toBe('adaptive');
    const strategy = await client.config.retryStrategy();
    expect(strategy).toMatchObject({ mode: 'adaptive' });
  });

  it('takes maxAttempts from AWS_MAX_ATTEMPTS', async () => {
    const client = new ClientFactory({ region: REGION }).client(IAMClient);

    expect(process.env.AWS_MAX_ATTEMPTS).toBe('1');
    await expect(client.config.maxAttempts()).resolves.toBe(1);
  });

  it('applies the factory overrides over the base configuration', async () => {
    const client = new ClientFactory({
      region: REGION,
      overrides: { endpoint: 'http://127.0.0.1:5000', maxAttempts: 2 },
    }).client(IAMClient);

    await expect(client.config.maxAttempts()).resolves.toBe(2);
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
  });

  it('lets explicit (assumed-role) credentials win over credentials in the overrides', async () => {
    const factory = new ClientFactory({
      region: REGION,
      overrides: { credentials: credentials('AKIAOVERRIDE') },
    });

    const client = factory.client(IAMClient, { credentials: credentials('ASIAASSUMED') });

    await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'ASIAASSUMED' });
  });

  it('exposes the factory region', () => {
    expect(new ClientFactory({ region: REGION }).region).toBe(REGION);
  });
});

describe('baseClientConfig', () => {
  const saved = process.env.AWS_MAX_ATTEMPTS;
  afterEach(() => {
    process.env.AWS_MAX_ATTEMPTS = saved;
  });

  it(`defaults to ${DEFAULT_MAX_ATTEMPTS} attempts in adaptive mode`, () => {
    delete process.env.AWS_MAX_ATTEMPTS;

    expect(baseClientConfig('us-east-1')).toEqual({
      region: 'us-east-1',
      retryMode: 'adaptive',
      maxAttempts: 5,
    });
  });

  it.each(['0', '-2', 'lots', '2.5'])('ignores an AWS_MAX_ATTEMPTS of %j', (value) => {
    process.env.AWS_MAX_ATTEMPTS = value;

    expect(baseClientConfig('us-east-1').maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
  });
});

describe('ClientFactory.assumeRole', () => {
  it('assumes the role and returns its credentials', async () => {
    stsReturns('ASIA1', 60 * MINUTE);
    const factory = new ClientFactory({ region: REGION });

    await expect(factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT)).resolves.toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret-ASIA1',
      sessionToken: 'token-ASIA1',
      expiration: new Date(START + 60 * MINUTE),
    });
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: ROLE_ARN,
      RoleSessionName: SESSION,
    });
  });

  it('cuts the session name to the 64 characters STS allows', async () => {
    stsReturns('ASIA1', 60 * MINUTE);

    await new ClientFactory({ region: REGION }).assumeRole(
      ROLE_ARN,
      `rootguard-${'x'.repeat(80)}`,
      MEMBER_ACCOUNT,
    );

    const input = stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(input?.RoleSessionName).toHaveLength(64);
  });

  it('reuses cached credentials until shortly before they expire', async () => {
    stsReturns('ASIA1', 60 * MINUTE);
    const factory = new ClientFactory({ region: REGION });
    const first = await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    now = START + 54 * MINUTE;
    const second = await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    expect(second).toBe(first);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('assumes the role again within five minutes of expiry', async () => {
    stsReturns('ASIA1', 60 * MINUTE);
    const factory = new ClientFactory({ region: REGION });
    await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    now = START + 56 * MINUTE;
    stsReturns('ASIA2', 60 * MINUTE);
    const refreshed = await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    expect(refreshed.accessKeyId).toBe('ASIA2');
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);

    now = START + 100 * MINUTE;
    await expect(factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT)).resolves.toBe(refreshed);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('caches sessions per role', async () => {
    stsReturns('ASIA1', 60 * MINUTE);
    const factory = new ClientFactory({ region: REGION });

    await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);
    await factory.assumeRole(
      'arn:aws:iam::333333333333:role/RootGuardExecutionRole',
      SESSION,
      '333333333333',
    );

    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('does not reuse credentials that carry no expiration', async () => {
    stsReturns('ASIA1', undefined);
    const factory = new ClientFactory({ region: REGION });

    await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);
    await factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('turns AccessDenied into an AccessDeniedError naming the role and the account', async () => {
    const cause = Object.assign(
      new Error(
        `User: arn:aws:sts::444444444444:assumed-role/rootguard/fn is not authorized to perform: sts:AssumeRole`,
      ),
      { name: 'AccessDenied' },
    );
    stsMock.on(AssumeRoleCommand).rejects(cause);

    const promise = new ClientFactory({ region: REGION }).assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toThrow(
      `Cannot assume ${ROLE_ARN}: check that the role exists in account ${MEMBER_ACCOUNT} and trusts this function's role`,
    );
    await expect(promise).rejects.toMatchObject({
      action: 'sts:AssumeRole',
      accountId: MEMBER_ACCOUNT,
      cause,
    });
  });

  it('says the account is unknown when none is given', async () => {
    stsMock.on(AssumeRoleCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    await expect(new ClientFactory({ region: REGION }).assumeRole(ROLE_ARN, SESSION)).rejects.toThrow(
      'check that the role exists in account (unknown)',
    );
  });

  it('does not cache a failed AssumeRole', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }))
      .resolves({
        Credentials: {
          AccessKeyId: 'ASIA1',
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(START + 60 * MINUTE),
        },
      });
    const factory = new ClientFactory({ region: REGION });

    await expect(factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT)).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await expect(factory.assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT)).resolves.toMatchObject({
      accessKeyId: 'ASIA1',
    });
  });

  it('turns other STS failures into a CollectError that is not an AccessDeniedError', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('STS is not activated'), { name: 'RegionDisabledException' }));

    const promise = new ClientFactory({ region: REGION }).assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT);

    await expect(promise).rejects.toBeInstanceOf(CollectError);
    await expect(promise).rejects.not.toBeInstanceOf(AccessDeniedError);
    await expect(promise).rejects.toThrow(`Failed calling sts:AssumeRole in account ${MEMBER_ACCOUNT}`);
  });

  it('fails when STS returns no credentials', async () => {
    stsMock.on(AssumeRoleCommand).resolves({});

    await expect(
      new ClientFactory({ region: REGION }).assumeRole(ROLE_ARN, SESSION, MEMBER_ACCOUNT),
    ).rejects.toThrow(/AssumeRole returned no credentials/);
  });
});
