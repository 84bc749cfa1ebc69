import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetAccountSummaryCommand, IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { ClientFactory } from '../../../lib/clients';
import {
  AccessDeniedError,
  InvalidConfigEventError,
  InvalidRuleParametersError,
  ThrottlingError,
} from '../../../lib/errors';
import type { Partition } from '../../../lib/partition';
import type { CollectContext, EvaluateContext } from '../../../lib/rule-handler';
import { collect } from '../../../rules/root-hardware-mfa/collect';
import { evaluate, type RootHardwareMfaFacts } from '../../../rules/root-hardware-mfa/evaluate';
import { handler } from '../../../rules/root-hardware-mfa/handler';
import { scheduledEvent } from '../../helpers/config-events';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, REGION, RESULT_TOKEN } from '../../helpers/constants';
import {
  rootSummary,
  rootVirtualMfaDevice,
  rootVirtualMfaSerial,
  userVirtualMfaDevice,
  VIRTUAL_MFA_ENABLE_DATE,
} from '../../helpers/iam-root';
import { unusedOrgSnapshot, useOrgSnapshot } from '../../helpers/org-snapshot';
import { NO_ROOT_CREDENTIALS, summaryMap } from '../../helpers/summary';

const iamMock = mockClient(IAMClient);
const configMock = mockClient(ConfigServiceClient);
const stsMock = mockClient(STSClient);
useOrgSnapshot({ members: [MEMBER_ACCOUNT] });

const CTX: EvaluateContext = {
  accountId: MEMBER_ACCOUNT,
  partition: 'aws',
  evaluationTime: NOTIFICATION_TIME,
};
const ROOT_SERIAL = rootVirtualMfaSerial(MEMBER_ACCOUNT);
const ROLE_NAME = 'RootGuardExecutionRole';
const ASSUMED = { AccessKeyId: 'ASIAASSUMEDHWMFA', SecretAccessKey: 'assumed-secret', SessionToken: 'token' };

const HARDWARE_MFA_ANNOTATION = `Account ${MEMBER_ACCOUNT}: root user has MFA and no virtual MFA device, so its MFA is hardware.`;
const virtualMfaAnnotation = (serials: string) =>
  `Account ${MEMBER_ACCOUNT}: root user has a virtual MFA device (${serials}); only a FIDO security key or hardware TOTP token counts.`;

const judge = (facts: RootHardwareMfaFacts) => {
  const [evaluation, ...rest] = evaluate(facts, {}, CTX);
  expect(rest).toEqual([]);
  return evaluation;
};

describe('root-hardware-mfa evaluate', () => {
  it('returns COMPLIANT when root has no credentials at all (centralized root access)', () => {
    expect(judge({ summary: rootSummary(NO_ROOT_CREDENTIALS), rootVirtualMfaDevices: [] })).toEqual({
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: MEMBER_ACCOUNT,
      complianceType: 'COMPLIANT',
      annotation: `Account ${MEMBER_ACCOUNT}: root user has no credentials (no password, access keys, signing certificates or MFA), as centralized root access leaves it.`,
    });
  });

  it('returns COMPLIANT when root has MFA and no virtual MFA device is assigned to it', () => {
    expect(judge({ summary: rootSummary({ mfa: true }), rootVirtualMfaDevices: [] })).toEqual({
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: MEMBER_ACCOUNT,
      complianceType: 'COMPLIANT',
      annotation: HARDWARE_MFA_ANNOTATION,
    });
  });

  it('returns NON_COMPLIANT naming the serial when root has a virtual MFA device, with or without another device', () => {
    const onlyVirtual = judge({
      summary: rootSummary({ mfa: true }),
      rootVirtualMfaDevices: [{ serialNumber: ROOT_SERIAL, enableDate: VIRTUAL_MFA_ENABLE_DATE }],
    });
    expect(onlyVirtual).toEqual({
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: MEMBER_ACCOUNT,
      complianceType: 'NON_COMPLIANT',
      annotation: virtualMfaAnnotation(ROOT_SERIAL),
    });

    // A security key next to two authenticator apps: the summary only says "MFA on"; every virtual serial is named.
    const second = `arn:aws:iam::${MEMBER_ACCOUNT}:mfa/root-backup-phone`;
    const alongsideOthers = judge({
      summary: rootSummary({ mfa: true }),
      rootVirtualMfaDevices: [{ serialNumber: ROOT_SERIAL }, { serialNumber: second }],
    });
    expect(alongsideOthers?.complianceType).toBe('NON_COMPLIANT');
    expect(alongsideOthers?.annotation).toBe(virtualMfaAnnotation(`${ROOT_SERIAL}, ${second}`));
  });

  it('returns NON_COMPLIANT when root MFA is off', () => {
    expect(judge({ summary: rootSummary({ mfa: false }), rootVirtualMfaDevices: [] })).toEqual({
      complianceResourceType: 'AWS::::Account',
      complianceResourceId: MEMBER_ACCOUNT,
      complianceType: 'NON_COMPLIANT',
      annotation: `Account ${MEMBER_ACCOUNT}: root user has no MFA device.`,
    });
  });

  it('does not treat an unknown password state as "no credentials" when MFA is off', () => {
    const { passwordPresent: _unknown, ...olderSummary } = rootSummary(NO_ROOT_CREDENTIALS);

    expect(judge({ summary: olderSummary, rootVirtualMfaDevices: [] })?.complianceType).toBe('NON_COMPLIANT');
  });
});

// ---- collect and the handler: AWS mocked at the SDK boundary ----

const sentEvaluations = () =>
  configMock.commandCalls(PutEvaluationsCommand).flatMap((call) => call.args[0].input.Evaluations ?? []);

const sent = (complianceType: string, annotation: string | ReturnType<typeof expect.stringMatching>) => ({
  ComplianceResourceType: 'AWS::::Account',
  ComplianceResourceId: MEMBER_ACCOUNT,
  ComplianceType: complianceType,
  Annotation: annotation,
  OrderingTimestamp: new Date(NOTIFICATION_TIME),
});

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });

const event = (
  options: { partition?: Partition; region?: string; ruleParameters?: Record<string, unknown> } = {},
) => scheduledEvent({ accountId: MEMBER_ACCOUNT, ...options });

beforeEach(() => {
  iamMock.reset();
  configMock.reset();
  stsMock.reset();
  configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap({ mfa: true }) });
  iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: { ...ASSUMED, Expiration: new Date(Date.now() + 60 * 60 * 1000) },
  });
});

describe('root-hardware-mfa collect', () => {
  const collectContext = (partition: Partition = 'aws'): CollectContext<unknown> => ({
    ...CTX,
    partition,
    region: REGION,
    params: {},
    clients: new ClientFactory({ region: REGION }),
    accountCredentials: undefined,
    orgSnapshot: unusedOrgSnapshot,
  });

  it('returns the root summary and only the assigned virtual devices whose user is root', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap({ mfa: true, password: false }) });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [
        userVirtualMfaDevice(MEMBER_ACCOUNT, 'root-admin'),
        rootVirtualMfaDevice(MEMBER_ACCOUNT),
      ],
      IsTruncated: false,
    });

    await expect(collect(collectContext())).resolves.toEqual({
      summary: rootSummary({ mfa: true, password: false }),
      rootVirtualMfaDevices: [{ serialNumber: ROOT_SERIAL, enableDate: VIRTUAL_MFA_ENABLE_DATE }],
    });
    expect(iamMock).toHaveReceivedCommandWith(ListVirtualMFADevicesCommand, { AssignmentStatus: 'Assigned' });
  });
});

describe('root-hardware-mfa handler', () => {
  it('sends COMPLIANT for root with MFA and no virtual device, with the result token and notification time', async () => {
    const result = await handler(event());

    expect(result).toEqual({
      ruleId: 'root-hardware-mfa',
      accountId: MEMBER_ACCOUNT,
      evaluations: [expect.objectContaining({ complianceType: 'COMPLIANT' })],
    });
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(configMock).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION)]);
  });

  it('sends NON_COMPLIANT when the root virtual device is on the second page of ListVirtualMFADevices', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({
        VirtualMFADevices: [userVirtualMfaDevice(MEMBER_ACCOUNT, 'alice')],
        IsTruncated: true,
        Marker: 'page-2',
      })
      .resolves({ VirtualMFADevices: [rootVirtualMfaDevice(MEMBER_ACCOUNT)], IsTruncated: false });

    await handler(event());

    expect(iamMock).toHaveReceivedCommandTimes(ListVirtualMFADevicesCommand, 2);
    expect(iamMock).toHaveReceivedNthSpecificCommandWith(2, ListVirtualMFADevicesCommand, {
      Marker: 'page-2',
    });
    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', virtualMfaAnnotation(ROOT_SERIAL))]);
  });

  it('sends COMPLIANT when only an IAM user named root-admin has a virtual MFA device', async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [userVirtualMfaDevice(MEMBER_ACCOUNT, 'root-admin')],
      IsTruncated: false,
    });

    await handler(event());

    expect(sentEvaluations()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION)]);
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ] as const)('matches the root ARN of the %s partition (rule in %s)', async (partition, region) => {
    const serial = rootVirtualMfaSerial(MEMBER_ACCOUNT, partition);
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [rootVirtualMfaDevice(MEMBER_ACCOUNT, partition)],
      IsTruncated: false,
    });

    await handler(event({ partition, region }));

    expect(serial).toBe(`arn:${partition}:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`);
    expect(sentEvaluations()).toEqual([sent('NON_COMPLIANT', virtualMfaAnnotation(serial))]);
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ] as const)(
    'does not count a device of arn:aws:iam::<account>:root in an %s account (rule in %s)',
    async (partition, region) => {
      iamMock.on(ListVirtualMFADevicesCommand).resolves({
        VirtualMFADevices: [rootVirtualMfaDevice(MEMBER_ACCOUNT, partition, 'aws')],
        IsTruncated: false,
      });

      await handler(event({ partition, region }));

      expect(sentEvaluations()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION)]);
    },
  );

  it('sends NON_COMPLIANT naming iam:GetAccountSummary and rejects with AccessDeniedError when it is denied', async () => {
    iamMock
      .on(GetAccountSummaryCommand)
      .rejects(sdkError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'));

    await expect(handler(event())).rejects.toBeInstanceOf(AccessDeniedError);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        expect.stringMatching(
          new RegExp(
            `^Account ${MEMBER_ACCOUNT}: could not be evaluated, Access denied calling iam:GetAccountSummary in account ${MEMBER_ACCOUNT} \\(AccessDenied: .*\\)\\.$`,
          ),
        ),
      ),
    ]);
  });

  it('never sends COMPLIANT and rejects with ThrottlingError when a later page of virtual devices is throttled', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({ VirtualMFADevices: [], IsTruncated: true, Marker: 'page-2' })
      .rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    await expect(handler(event())).rejects.toBeInstanceOf(ThrottlingError);
    expect(sentEvaluations()).toEqual([
      sent(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: could not be evaluated, Throttled calling iam:ListVirtualMFADevices in account ${MEMBER_ACCOUNT} after retries (ThrottlingException: Rate exceeded).`,
      ),
    ]);
  });

  it('assumes the ExecutionRoleName role in the evaluated account and reads IAM with it', async () => {
    await handler(event({ ruleParameters: { ExecutionRoleName: ROLE_NAME } }));

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/${ROLE_NAME}`,
    });
    expect(iamMock).toHaveReceivedCommand(GetAccountSummaryCommand);
    const iamClient = iamMock.commandCalls(GetAccountSummaryCommand)[0]?.thisValue as IAMClient;
    await expect(iamClient.config.credentials()).resolves.toMatchObject({ accessKeyId: ASSUMED.AccessKeyId });
    expect(sentEvaluations()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION)]);
  });

  it('rejects a malformed event with InvalidConfigEventError and sends nothing', async () => {
    await expect(handler({ ...event(), invokingEvent: 'not json' })).rejects.toBeInstanceOf(
      InvalidConfigEventError,
    );
    expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for an unknown parameter', async () => {
    await expect(handler(event({ ruleParameters: { RequireHardware: 'true' } }))).rejects.toBeInstanceOf(
      InvalidRuleParametersError,
    );
    expect(iamMock).not.toHaveReceivedAnyCommand();
    expect(sentEvaluations()).toEqual([
      sent('NON_COMPLIANT', expect.stringContaining('unknown parameter(s) RequireHardware')),
    ]);
  });

  it('retries the evaluations Config reports as failed and resolves once they are accepted', async () => {
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({
        FailedEvaluations: [
          {
            ComplianceResourceType: 'AWS::::Account',
            ComplianceResourceId: MEMBER_ACCOUNT,
            ComplianceType: 'COMPLIANT',
            OrderingTimestamp: new Date(NOTIFICATION_TIME),
          },
        ],
      })
      .resolves({ FailedEvaluations: [] });

    await expect(handler(event())).resolves.toMatchObject({ accountId: MEMBER_ACCOUNT });
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
    expect(sentEvaluations()).toEqual([
      sent('COMPLIANT', HARDWARE_MFA_ANNOTATION),
      sent('COMPLIANT', HARDWARE_MFA_ANNOTATION),
    ]);
  });
});
