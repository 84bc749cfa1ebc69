import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { GetAccountSummaryCommand, IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRootCommand } from '@aws-sdk/client-sts';
import { AccessDeniedError, InvalidConfigEventError, ThrottlingError } from '../../../lib/errors';
import { collect } from '../../../rules/root-hardware-mfa/collect';
import { evaluate, type RootHardwareMfaFacts } from '../../../rules/root-hardware-mfa/evaluate';
import { handler } from '../../../rules/root-hardware-mfa/handler';
import { MEMBER_ACCOUNT, NOTIFICATION_TIME, RESULT_TOKEN } from '../../helpers/constants';
import {
  rootSummary,
  rootVirtualMfaDevice,
  rootVirtualMfaSerial,
  userVirtualMfaDevice,
  VIRTUAL_MFA_ENABLE_DATE,
} from '../../helpers/iam-root';
import { fidoSerial, liveDevice, totpSerial, virtualSerial } from '../../helpers/mfa-devices';
import { AUDIT_ROLE_ARN, awsError, givenRootDevices } from '../../helpers/root-audit';
import {
  accessDeniedAnnotation,
  accountEvaluation as account,
  collectContext,
  EXECUTION_ROLE_NAME,
  executionRoleArn,
  expectParametersRefused,
  judgeOne,
  sdkError,
  sentEvaluation as sent,
  signedByAssumedRole,
  throttledAnnotation,
  useRuleHarness,
} from '../../helpers/rule-harness';
import { NO_ROOT_CREDENTIALS, summaryMap } from '../../helpers/summary';

const rule = useRuleHarness(handler);
const iamMock = rule.mock(IAMClient);

const ROOT_SERIAL = rootVirtualMfaSerial(MEMBER_ACCOUNT);

const HARDWARE_MFA_ANNOTATION = `Account ${MEMBER_ACCOUNT}: root user has MFA and no virtual MFA device, so its MFA is hardware.`;
const virtualMfaAnnotation = (serials: string) =>
  `Account ${MEMBER_ACCOUNT}: root user has a virtual MFA device (${serials}); only a FIDO security key or hardware TOTP token counts.`;

/** Live evaluations say which path judged: without ROOT_AUDIT_ROLE_ARN, the account's own IAM. */
const IAM_PATH = " (judged from the account's IAM: no root-audit role is configured)";
const HARDWARE_MFA_ANNOTATION_IAM = HARDWARE_MFA_ANNOTATION.replace(/\.$/, `${IAM_PATH}.`);
const virtualMfaAnnotationIam = (serials: string) =>
  virtualMfaAnnotation(serials).replace(/\.$/, `${IAM_PATH}.`);

const judge = (facts: RootHardwareMfaFacts) => judgeOne(evaluate, facts, {});

describe('root-hardware-mfa evaluate', () => {
  it('returns COMPLIANT when root has no credentials at all (centralized root access)', () => {
    expect(judge({ summary: rootSummary(NO_ROOT_CREDENTIALS), rootVirtualMfaDevices: [] })).toEqual(
      account(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user has no credentials (no password, access keys, signing certificates or MFA), as centralized root access leaves it.`,
      ),
    );
  });

  it('returns COMPLIANT when root has MFA and no virtual MFA device is assigned to it', () => {
    expect(judge({ summary: rootSummary({ mfa: true }), rootVirtualMfaDevices: [] })).toEqual(
      account('COMPLIANT', HARDWARE_MFA_ANNOTATION),
    );
  });

  it('returns NON_COMPLIANT naming the serial when root has a virtual MFA device, with or without another device', () => {
    const onlyVirtual = judge({
      summary: rootSummary({ mfa: true }),
      rootVirtualMfaDevices: [{ serialNumber: ROOT_SERIAL, enableDate: VIRTUAL_MFA_ENABLE_DATE }],
    });
    expect(onlyVirtual).toEqual(account('NON_COMPLIANT', virtualMfaAnnotation(ROOT_SERIAL)));

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
    expect(judge({ summary: rootSummary({ mfa: false }), rootVirtualMfaDevices: [] })).toEqual(
      account('NON_COMPLIANT', `Account ${MEMBER_ACCOUNT}: root user has no MFA device.`),
    );
  });

  it('does not treat an unknown password state as "no credentials" when MFA is off', () => {
    const { passwordPresent: _unknown, ...olderSummary } = rootSummary(NO_ROOT_CREDENTIALS);

    expect(judge({ summary: olderSummary, rootVirtualMfaDevices: [] })?.complianceType).toBe('NON_COMPLIANT');
  });
});

// ---- collect and the handler: AWS mocked at the SDK boundary ----

beforeEach(() => {
  iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap({ mfa: true }) });
  iamMock.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
});

describe('root-hardware-mfa collect', () => {
  it('returns the root summary and only the assigned virtual devices whose user is root', async () => {
    iamMock.on(GetAccountSummaryCommand).resolves({ SummaryMap: summaryMap({ mfa: true, password: false }) });
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [
        userVirtualMfaDevice(MEMBER_ACCOUNT, 'root-admin'),
        rootVirtualMfaDevice(MEMBER_ACCOUNT),
      ],
      IsTruncated: false,
    });

    await expect(collect(collectContext({}))).resolves.toEqual({
      summary: rootSummary({ mfa: true, password: false }),
      rootVirtualMfaDevices: [{ serialNumber: ROOT_SERIAL, enableDate: VIRTUAL_MFA_ENABLE_DATE }],
      inventory: expect.objectContaining({ status: 'unavailable', reason: 'audit-role-not-configured' }),
    });
    expect(iamMock).toHaveReceivedCommandWith(ListVirtualMFADevicesCommand, { AssignmentStatus: 'Assigned' });
  });
});

describe('root-hardware-mfa handler', () => {
  it('sends COMPLIANT for root with MFA and no virtual device, with the result token and notification time', async () => {
    const { result } = await rule.invoke();

    expect(result).toEqual({
      ruleId: 'root-hardware-mfa',
      accountId: MEMBER_ACCOUNT,
      evaluations: [expect.objectContaining({ complianceType: 'COMPLIANT' })],
    });
    expect(rule.config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    expect(rule.config).toHaveReceivedCommandWith(PutEvaluationsCommand, {
      ResultToken: RESULT_TOKEN,
      TestMode: false,
    });
    expect(rule.sent()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM)]);
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

    await rule.invoke();

    expect(iamMock).toHaveReceivedCommandTimes(ListVirtualMFADevicesCommand, 2);
    expect(iamMock).toHaveReceivedNthSpecificCommandWith(2, ListVirtualMFADevicesCommand, {
      Marker: 'page-2',
    });
    expect(rule.sent()).toEqual([sent('NON_COMPLIANT', virtualMfaAnnotationIam(ROOT_SERIAL))]);
  });

  it('sends COMPLIANT when only an IAM user named root-admin has a virtual MFA device', async () => {
    iamMock.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [userVirtualMfaDevice(MEMBER_ACCOUNT, 'root-admin')],
      IsTruncated: false,
    });

    await rule.invoke();

    expect(rule.sent()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM)]);
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

    await rule.invoke({ partition, region });

    expect(serial).toBe(`arn:${partition}:iam::${MEMBER_ACCOUNT}:mfa/root-account-mfa-device`);
    expect(rule.sent()).toEqual([sent('NON_COMPLIANT', virtualMfaAnnotationIam(serial))]);
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

      await rule.invoke({ partition, region });

      expect(rule.sent()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM)]);
    },
  );

  it('sends NON_COMPLIANT naming iam:GetAccountSummary and rejects with AccessDeniedError when it is denied', async () => {
    iamMock
      .on(GetAccountSummaryCommand)
      .rejects(sdkError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'));

    await expect(rule.invoke()).rejects.toBeInstanceOf(AccessDeniedError);
    expect(rule.sent()).toEqual([sent('NON_COMPLIANT', accessDeniedAnnotation('iam:GetAccountSummary'))]);
  });

  it('never sends COMPLIANT and rejects with ThrottlingError when a later page of virtual devices is throttled', async () => {
    iamMock
      .on(ListVirtualMFADevicesCommand)
      .resolvesOnce({ VirtualMFADevices: [], IsTruncated: true, Marker: 'page-2' })
      .rejects(sdkError('ThrottlingException', 'Rate exceeded'));

    await expect(rule.invoke()).rejects.toBeInstanceOf(ThrottlingError);
    expect(rule.sent()).toEqual([
      sent(
        'NON_COMPLIANT',
        throttledAnnotation('iam:ListVirtualMFADevices', 'ThrottlingException: Rate exceeded'),
      ),
    ]);
  });

  it('assumes the ExecutionRoleName role in the evaluated account and reads IAM with it', async () => {
    await rule.invoke({ ruleParameters: { ExecutionRoleName: EXECUTION_ROLE_NAME } });

    expect(rule.sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: executionRoleArn() });
    expect(iamMock).toHaveReceivedCommand(GetAccountSummaryCommand);
    await expect(signedByAssumedRole(iamMock.commandCalls(GetAccountSummaryCommand))).resolves.toBe(true);
    expect(rule.sent()).toEqual([sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM)]);
  });

  it('rejects a malformed event with InvalidConfigEventError and sends nothing', async () => {
    await expect(rule.invoke({ replace: { invokingEvent: 'not json' } })).rejects.toBeInstanceOf(
      InvalidConfigEventError,
    );
    expect(rule.config).not.toHaveReceivedCommand(PutEvaluationsCommand);
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('sends NON_COMPLIANT and rejects with InvalidRuleParametersError for an unknown parameter', async () => {
    const outcome = await rule.invokeRejected({ ruleParameters: { RequireHardware: 'true' } });

    expectParametersRefused(outcome, expect.stringContaining('unknown parameter(s) RequireHardware'));
    expect(iamMock).not.toHaveReceivedAnyCommand();
  });

  it('retries the evaluations Config reports as failed and resolves once they are accepted', async () => {
    rule.config
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

    await expect(rule.invoke()).resolves.toMatchObject({ result: { accountId: MEMBER_ACCOUNT } });
    expect(rule.config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
    expect(rule.sent()).toEqual([
      sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM),
      sent('COMPLIANT', HARDWARE_MFA_ANNOTATION_IAM),
    ]);
  });
});

// ---- the root audit session path (lib/root-mfa-inventory.ts) ----

const listed = (...serials: string[]) => ({
  status: 'listed' as const,
  devices: serials.map((s) => liveDevice(s)),
});

describe('root-hardware-mfa evaluate, judged from the root audit session', () => {
  const facts = (inventory: RootHardwareMfaFacts['inventory'], mfa = true) => ({
    summary: rootSummary({ mfa }),
    rootVirtualMfaDevices: [],
    inventory,
  });

  it.each([
    [[fidoSerial(MEMBER_ACCOUNT)], '1 FIDO security key'],
    [[totpSerial(1)], '1 hardware TOTP token'],
    [
      [fidoSerial(MEMBER_ACCOUNT, 'a'), fidoSerial(MEMBER_ACCOUNT, 'b'), totpSerial(2)],
      '2 FIDO security keys and 1 hardware TOTP token',
    ],
  ])('returns COMPLIANT with the exact kinds of %j', (serials, kinds) => {
    expect(judge(facts(listed(...serials)))).toEqual(
      account(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user's MFA is hardware: ${kinds} (listed in a root audit session).`,
      ),
    );
  });

  it('returns NON_COMPLIANT for a virtual device beside a key, even though the account IAM list was empty', () => {
    const serial = virtualSerial(MEMBER_ACCOUNT);

    expect(judge(facts(listed(fidoSerial(MEMBER_ACCOUNT), serial)))).toEqual(
      account('NON_COMPLIANT', virtualMfaAnnotation(serial)),
    );
  });

  it('never counts a device whose serial it cannot read as hardware', () => {
    const odd = `arn:aws:iam::${MEMBER_ACCOUNT}:sms-mfa/root`;

    expect(judge(facts(listed(fidoSerial(MEMBER_ACCOUNT), odd)))?.complianceType).toBe('NON_COMPLIANT');
  });

  it('returns COMPLIANT for a credential-less root and NON_COMPLIANT for a root without MFA', () => {
    expect(
      judge({ summary: rootSummary(NO_ROOT_CREDENTIALS), rootVirtualMfaDevices: [], inventory: listed() })
        ?.complianceType,
    ).toBe('COMPLIANT');
    expect(judge(facts(listed(), false))).toEqual(
      account(
        'NON_COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user has no MFA device (listed in a root audit session).`,
      ),
    );
  });

  it('falls back to the account IAM and says why the session could not list the devices', () => {
    const inventory = {
      status: 'unavailable' as const,
      reason: 'centralized-root-access-disabled' as const,
      detail: 'centralized root access is not enabled (features: none)',
      fix: 'enable it',
    };

    expect(judge(facts(inventory))).toEqual(
      account(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user has MFA and no virtual MFA device, so its MFA is hardware (judged from the account's IAM: centralized root access is not enabled (features: none)).`,
      ),
    );
  });
});

describe('root-hardware-mfa handler with a root-audit role', () => {
  beforeEach(() => {
    process.env.ROOT_AUDIT_ROLE_ARN = AUDIT_ROLE_ARN;
  });
  afterEach(() => {
    delete process.env.ROOT_AUDIT_ROLE_ARN;
  });

  it('judges each device by its exact kind, read in the root audit session', async () => {
    givenRootDevices(rule.sts, iamMock, [fidoSerial(MEMBER_ACCOUNT), totpSerial(1)]);

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user's MFA is hardware: 1 FIDO security key and 1 hardware TOTP token (listed in a root audit session).`,
      ),
    ]);
    expect(rule.sts).toHaveReceivedCommandWith(AssumeRootCommand, { TargetPrincipal: MEMBER_ACCOUNT });
  });

  it('falls back to the account IAM when AssumeRoot is refused, and says so', async () => {
    givenRootDevices(rule.sts, iamMock, []);
    rule.sts.on(AssumeRootCommand).rejects(awsError('AccessDenied'));

    await rule.invoke();

    expect(rule.sent()).toEqual([
      sent(
        'COMPLIANT',
        `Account ${MEMBER_ACCOUNT}: root user has MFA and no virtual MFA device, so its MFA is hardware (judged from the account's IAM: sts:AssumeRoot was refused (AccessDenied)).`,
      ),
    ]);
  });
});
