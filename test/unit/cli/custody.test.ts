import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BACKUP_MFA_RULE_ID, type CustodyDiffReport } from '../../../cli/custody';
import { EXIT_ERROR, EXIT_NON_COMPLIANT, EXIT_OK, run } from '../../../cli/index';
import { ClientFactory } from '../../../lib/clients';
import type { CustodyRegister } from '../../../lib/custody-register-types';
import { AccessDeniedError } from '../../../lib/errors';
import type { OrgSnapshot } from '../../../lib/org-snapshot';
import { argv, captureIo } from '../../helpers/cli-io';
import {
  MANAGEMENT_ACCOUNT,
  MEMBER_ACCOUNT,
  ORG_ID,
  OTHER_ACCOUNT,
  REGION,
  SECURITY_TOOLING_ACCOUNT,
} from '../../helpers/constants';
import {
  BACKUP_SITE,
  CUSTODY_SERIALS,
  custodyRegister,
  custodyRegisterYaml,
  PRIMARY_SITE,
} from '../../helpers/custody-register';
import { CUSTODY_NOW, fidoSerial, liveDevice, virtualSerial } from '../../helpers/mfa-devices';
import { useSdkMocks } from '../../helpers/sdk-mocks';
import { useTempDir } from '../../helpers/temp-dir';

/** The fixture register's custody checks are 30 days old at the facts' evaluation time. */
const EVALUATION_TIME = CUSTODY_NOW.toISOString();
const UNKNOWN_KEY = fidoSerial(MEMBER_ACCOUNT, 'stranger');

const dir = useTempDir('rootguard-custody-');

function writeFile(name: string, text: string): string {
  const path = join(dir(), name);
  writeFileSync(path, text);
  return path;
}

const writeRegister = (register: unknown = custodyRegister()) =>
  writeFile('custody-register.yaml', custodyRegisterYaml(register));

type Inventory = Record<string, unknown> | undefined;

/** A facts file whose accounts carry root-backup-mfa facts (`inventory`), undefined leaving them out. */
function writeFacts(inventories: Record<string, Inventory>, extra: Record<string, unknown> = {}): string {
  const facts = {
    organization: { id: ORG_ID, managementAccountId: MANAGEMENT_ACCOUNT },
    evaluationTime: EVALUATION_TIME,
    accounts: Object.entries(inventories).map(([accountId, inventory]) => ({
      accountId,
      name: `account-${accountId.slice(0, 3)}`,
      ouPath: 'Root/Workloads',
      facts: inventory === undefined ? {} : { [BACKUP_MFA_RULE_ID]: { inventory } },
    })),
    ...extra,
  };
  return writeFile('facts.json', JSON.stringify(facts));
}

const listed = (...serials: string[]) => ({ status: 'listed', devices: serials.map((s) => liveDevice(s)) });
const MANAGEMENT_UNAVAILABLE = {
  status: 'unavailable',
  reason: 'management-account',
  detail: 'sts:AssumeRoot cannot reach the management account',
  fix: 'record its devices in the custody register attestation',
};

/** Every account of the fixture register with exactly the devices the register lists. */
const MATCHING: Record<string, Inventory> = {
  [MEMBER_ACCOUNT]: listed(CUSTODY_SERIALS.memberPrimary, CUSTODY_SERIALS.memberBackup),
  [OTHER_ACCOUNT]: listed(CUSTODY_SERIALS.otherPrimary, CUSTODY_SERIALS.otherBackup),
  [MANAGEMENT_ACCOUNT]: MANAGEMENT_UNAVAILABLE,
};

async function diffJson(...args: string[]): Promise<{ code: number; report: CustodyDiffReport }> {
  const io = captureIo();
  const code = await run(argv('custody', 'diff', ...args, '--format', 'json'), io);
  if (io.err()) throw new Error(io.err());
  return { code, report: JSON.parse(io.out()) };
}

/** `diffJson` of the fixture register against facts that match it except for the `changed` accounts. */
const diffMatchingExcept = (changed: Record<string, Inventory>, ...args: string[]) =>
  diffJson(writeRegister(), '--facts', writeFacts({ ...MATCHING, ...changed }), ...args);

describe('rootguard custody check', () => {
  it('prints a summary of a valid register and exits 0', async () => {
    // Prepare
    const file = writeRegister();
    const io = captureIo();

    // Act
    const code = await run(argv('custody', 'check', file), io);

    // Assess
    expect(code).toBe(EXIT_OK);
    expect(io.err()).toBe('');
    expect(io.out()).toContain(`${file}: OK, 3 accounts, 6 devices`);
    expect(io.out()).toContain('devices by kind:   fido 4, hardware-totp 2, virtual 0');
    expect(io.out()).toContain('devices by status: active 6, retired 0, lost 0');
    expect(io.out()).toContain(
      `${MANAGEMENT_ACCOUNT}: 2026-10-21, signed off by CISO, 2 hardware devices, no virtual device`,
    );
  });

  it('prints every problem as <file>:<line> <path>: <reason>, in file order, and exits 1', async () => {
    // Prepare: an impossible date on line 9, a status nobody defined on line 10.
    const text = custodyRegisterYaml()
      .replace('status: active', 'status: misplaced')
      .replace('lastCustodyCheck: 2026-10-21', 'lastCustodyCheck: 2026-02-30');
    const file = writeFile('broken.yaml', text);
    const io = captureIo();

    // Act
    const code = await run(argv('custody', 'check', file), io);

    // Assess
    expect(code).toBe(EXIT_ERROR);
    expect(io.out()).toBe('');
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toEqual([
      `${file}:9 accounts[0].devices[0].lastCustodyCheck: not a calendar date`,
      `${file}:10 accounts[0].devices[0].status: Invalid option: expected one of "active"|"retired"|"lost"`,
      `rootguard: custody register ${file} is invalid (2 problems); nothing in it is used until every one is fixed`,
    ]);
  });

  it("accepts the README's example register", async () => {
    // Prepare: the first yaml block of the README's "Key custody register" section.
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Key custody register\n'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const io = captureIo();

    // Act
    const code = await run(argv('custody', 'check', writeFile('readme.yaml', example)), io);

    // Assess
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT_OK);
    expect(io.out()).toContain('OK, 2 accounts, 3 devices');
  });

  it('names the document when the problem has no line', async () => {
    const file = writeFile('empty.yaml', '');
    const io = captureIo();

    const code = await run(argv('custody', 'check', file), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain(`${file} (document): Invalid input: expected object, received null`);
  });

  it('says when the file cannot be read', async () => {
    const io = captureIo();

    const code = await run(argv('custody', 'check', join(dir(), 'nope.yaml')), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toBe(
      `rootguard: Cannot read custody register ${join(dir(), 'nope.yaml')}: no such file\n`,
    );
  });
});

describe('rootguard custody diff --facts', () => {
  it('finds no difference when root holds exactly the registered devices', async () => {
    // Prepare
    const register = writeRegister();
    const facts = writeFacts(MATCHING);

    // Act
    const { code, report } = await diffJson(register, '--facts', facts, '--fail-on-difference');

    // Assess
    expect(code).toBe(EXIT_OK);
    expect(report.summary).toEqual({
      accounts: 3,
      compared: 2,
      attested: 1,
      notCompared: 0,
      findings: { 'unknown-device': 0, 'missing-device': 0, 'same-site': 0, 'stale-custody-check': 0 },
    });
    expect(report.accounts.find((a) => a.accountId === MANAGEMENT_ACCOUNT)).toMatchObject({
      comparison: 'attested',
      inventory: 'unavailable',
      note: 'attested on 2026-10-21 by CISO: 2 hardware devices, no virtual device',
    });
  });

  it('lists unknown, missing, same-site and stale devices per account', async () => {
    // Prepare: a stranger's key on the member's root and its backup gone; the other account's two keys at one
    // site, one of them last checked long ago.
    const registerValue: CustodyRegister = custodyRegister();
    const other = registerValue.accounts[1]?.devices ?? [];
    for (const device of other) device.site = PRIMARY_SITE;
    (other[1] as { lastCustodyCheck: string }).lastCustodyCheck = '2026-01-02';
    const register = writeRegister(registerValue);
    const facts = writeFacts({
      ...MATCHING,
      [MEMBER_ACCOUNT]: listed(CUSTODY_SERIALS.memberPrimary, UNKNOWN_KEY),
    });
    const io = captureIo();

    // Act
    const code = await run(argv('custody', 'diff', register, '--facts', facts), io);

    // Assess
    expect(code).toBe(EXIT_OK);
    // Reasons are wrapped at 120 columns, continuation lines indented by four spaces.
    const out = io.out().replace(/\n {4}/g, ' ');
    expect(out).toContain(
      `Account ${MEMBER_ACCOUNT}: unknown: device ${UNKNOWN_KEY} is on root but not in the custody register.`,
    );
    expect(out).toContain(
      `Account ${MEMBER_ACCOUNT}: missing: register lists ${CUSTODY_SERIALS.memberBackup} (${BACKUP_SITE}) as active but it is not on root.`,
    );
    expect(out).toContain(
      `Account ${OTHER_ACCOUNT}: same site: primary and backup are kept at one site (${PRIMARY_SITE}).`,
    );
    expect(out).toContain(
      `Account ${OTHER_ACCOUNT}: stale: custody check of ${CUSTODY_SERIALS.otherBackup} is 322 days old (limit 180).`,
    );
    expect(out).toMatch(/│ 222222222222 │ account-222 │ 2 +│ +2 │ +1 │ +1 │ +0 │ +0 │/);
    expect(out).toMatch(/│ 333333333333 │ account-333 │ 2 +│ +2 │ +0 │ +0 │ +1 │ +1 │/);
    expect(out).toContain('Totals: 3 accounts, 2 compared, 1 attested, 0 not compared; 4 differences');
  });

  it('exits 2 on a difference with --fail-on-difference, as scan does with --fail-on-noncompliant', async () => {
    const { code, report } = await diffMatchingExcept(
      { [OTHER_ACCOUNT]: listed(CUSTODY_SERIALS.otherPrimary) },
      '--fail-on-difference',
    );

    expect(code).toBe(EXIT_NON_COMPLIANT);
    expect(report.accounts.find((a) => a.accountId === OTHER_ACCOUNT)?.findings).toEqual([
      expect.objectContaining({ kind: 'missing-device', serialNumber: CUSTODY_SERIALS.otherBackup }),
    ]);
  });

  it('counts an account whose devices could not be listed as a difference, with the reason', async () => {
    const { code, report } = await diffMatchingExcept(
      {
        [OTHER_ACCOUNT]: {
          status: 'unavailable',
          reason: 'centralized-root-access-disabled',
          detail: 'centralized root access is not enabled (features: none)',
          fix: 'enable centralized root access',
        },
      },
      '--fail-on-difference',
    );

    expect(code).toBe(EXIT_NON_COMPLIANT);
    expect(report.accounts.find((a) => a.accountId === OTHER_ACCOUNT)).toMatchObject({
      comparison: 'not-compared',
      inventory: 'unavailable',
      note: 'devices not listed: centralized root access is not enabled (features: none); enable centralized root access',
      findings: [],
    });
  });

  it('flags every hardware device of an account the register does not list, and ignores virtual ones', async () => {
    const { report } = await diffMatchingExcept({
      [SECURITY_TOOLING_ACCOUNT]: listed(
        fidoSerial(SECURITY_TOOLING_ACCOUNT),
        virtualSerial(SECURITY_TOOLING_ACCOUNT),
      ),
    });

    expect(report.accounts.find((a) => a.accountId === SECURITY_TOOLING_ACCOUNT)).toMatchObject({
      comparison: 'compared',
      registeredDevices: 0,
      liveDevices: 2,
      findings: [
        expect.objectContaining({
          kind: 'unknown-device',
          serialNumber: fidoSerial(SECURITY_TOOLING_ACCOUNT),
        }),
      ],
    });
  });

  it('reads the kind of each device from its serial, not from what the facts file claims', async () => {
    // Prepare / Act: a hand-edited facts file calls the stranger's key virtual, which would hide it.
    const { report } = await diffMatchingExcept({
      [MEMBER_ACCOUNT]: {
        status: 'listed',
        devices: [
          liveDevice(CUSTODY_SERIALS.memberPrimary),
          liveDevice(CUSTODY_SERIALS.memberBackup),
          { serialNumber: UNKNOWN_KEY, kind: 'virtual' },
        ],
      },
    });

    // Assess
    expect(report.accounts.find((a) => a.accountId === MEMBER_ACCOUNT)?.findings).toEqual([
      expect.objectContaining({ kind: 'unknown-device', serialNumber: UNKNOWN_KEY }),
    ]);
  });

  it('says plainly when the facts hold no device inventory at all, and still runs the register-only checks', async () => {
    // Prepare: a facts file saved before root-backup-mfa existed; the member's two keys at one site.
    const registerValue = custodyRegister();
    for (const device of registerValue.accounts[0]?.devices ?? []) device.site = PRIMARY_SITE;
    const register = writeRegister(registerValue);
    const facts = writeFacts({
      [MEMBER_ACCOUNT]: undefined,
      [OTHER_ACCOUNT]: undefined,
      [MANAGEMENT_ACCOUNT]: undefined,
    });
    const io = captureIo();

    // Act
    const code = await run(argv('custody', 'diff', register, '--facts', facts, '--fail-on-difference'), io);

    // Assess
    expect(code).toBe(EXIT_NON_COMPLIANT);
    expect(io.out()).toContain(
      `No device inventory: ${facts} holds no ${BACKUP_MFA_RULE_ID} facts for any account`,
    );
    expect(io.out()).toContain(`Account ${MEMBER_ACCOUNT}: same site`);
    expect(io.out()).toContain('Totals: 3 accounts, 0 compared, 1 attested, 2 not compared');
  });

  it('lists a registered account missing from the facts as not compared', async () => {
    const register = writeRegister();
    const facts = writeFacts({ [MEMBER_ACCOUNT]: MATCHING[MEMBER_ACCOUNT] });

    const { report } = await diffJson(register, '--facts', facts);

    expect(report.accounts.map((a) => [a.accountId, a.comparison, a.inventory])).toEqual([
      [MEMBER_ACCOUNT, 'compared', 'listed'],
      [OTHER_ACCOUNT, 'not-compared', 'missing'],
      [MANAGEMENT_ACCOUNT, 'attested', 'missing'],
    ]);
    expect(report.accounts[1]?.note).toBe(`not in ${facts}`);
  });

  it('asks for an attestation when the management account has none', async () => {
    const registerValue = custodyRegister();
    delete registerValue.accounts[2]?.attestation;
    const register = writeRegister(registerValue);
    const facts = writeFacts(MATCHING);

    const { report } = await diffJson(register, '--facts', facts);

    expect(report.accounts.find((a) => a.accountId === MANAGEMENT_ACCOUNT)).toMatchObject({
      comparison: 'not-compared',
      note: 'devices not listed: sts:AssumeRoot cannot reach the management account; record its devices in the custody register attestation; the management account needs an attestation in the register',
    });
  });

  it('takes the staleness limit from the option, else the facts file rule parameter, else 180 days', async () => {
    const register = writeRegister();
    const stale = (report: CustodyDiffReport) => report.summary.findings['stale-custody-check'];

    const byDefault = await diffJson(register, '--facts', writeFacts(MATCHING));
    const fromFile = await diffJson(
      register,
      '--facts',
      writeFacts(MATCHING, { ruleParameters: { [BACKUP_MFA_RULE_ID]: { MaxDaysSinceCustodyCheck: '20' } } }),
    );
    const fromOption = await diffJson(
      register,
      '--facts',
      writeFacts(MATCHING, { ruleParameters: { [BACKUP_MFA_RULE_ID]: { MaxDaysSinceCustodyCheck: '20' } } }),
      '--max-days-since-custody-check',
      '45',
    );

    expect([byDefault.report.maxDaysSinceCustodyCheck, stale(byDefault.report)]).toEqual([180, 0]);
    // 30 days since the fixture's checks: six active devices, every one stale at 20 days.
    expect([fromFile.report.maxDaysSinceCustodyCheck, stale(fromFile.report)]).toEqual([20, 6]);
    expect([fromOption.report.maxDaysSinceCustodyCheck, stale(fromOption.report)]).toEqual([45, 0]);
  });

  it('compares only the accounts asked for', async () => {
    const { report } = await diffJson(
      writeRegister(),
      '--facts',
      writeFacts(MATCHING),
      '--account',
      OTHER_ACCOUNT,
    );

    expect(report.accounts.map((a) => a.accountId)).toEqual([OTHER_ACCOUNT]);
  });

  it.each([
    ['neither --facts nor --org', [], 'custody diff needs exactly one of --facts <file> or --org'],
    [
      'a bad staleness limit',
      ['--facts', 'FACTS', '--max-days-since-custody-check', '1.5'],
      '--max-days-since-custody-check must be a positive whole number of days, not 1.5',
    ],
    [
      'an account in neither file',
      ['--facts', 'FACTS', '--account', '999999999999'],
      'account(s) 999999999999 are neither in',
    ],
    ['facts that are not JSON', ['--facts', 'REGISTER'], 'is not valid JSON'],
  ])('exits 1 on %s', async (_name, args, message) => {
    const register = writeRegister();
    const facts = writeFacts(MATCHING);
    const io = captureIo();

    const code = await run(
      argv(
        'custody',
        'diff',
        register,
        ...args.map((a) => (a === 'FACTS' ? facts : a === 'REGISTER' ? register : a)),
      ),
      io,
    );

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain(message);
  });

  it('exits 1 naming the account whose root-backup-mfa facts hold no readable inventory', async () => {
    const facts = writeFacts({
      ...MATCHING,
      [OTHER_ACCOUNT]: { status: 'listed', devices: [{ serial: 'x' }] },
    });
    const io = captureIo();

    const code = await run(argv('custody', 'diff', writeRegister(), '--facts', facts), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain(
      `${facts} accounts.1 (account ${OTHER_ACCOUNT}): the ${BACKUP_MFA_RULE_ID} facts hold no readable device inventory (devices.0.serialNumber:`,
    );
  });

  it('exits 1 with the problems of an invalid register before reading any facts', async () => {
    const register = writeFile('bad.yaml', 'version: 2\naccounts: []\n');
    const io = captureIo();

    const code = await run(argv('custody', 'diff', register, '--facts', join(dir(), 'absent.json')), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain(`${register}:1 version: Invalid input: expected 1`);
  });
});

describe('rootguard custody diff --org', () => {
  const SNAPSHOT: OrgSnapshot = {
    version: 1,
    builtAt: EVALUATION_TIME,
    organization: {
      id: ORG_ID,
      managementAccountId: MANAGEMENT_ACCOUNT,
      featureSet: 'ALL',
      scpEnabled: true,
    },
    rootId: 'r-ab12',
    ous: {},
    accounts: Object.fromEntries(
      [MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT].map((id) => [
        id,
        { parentId: 'r-ab12', name: `account-${id.slice(0, 3)}`, status: 'ACTIVE' },
      ]),
    ),
    policies: {},
  };

  /** Assumes every execution role but OTHER_ACCOUNT's, without AWS. */
  class FakeRoles extends ClientFactory {
    override async assumeRole(arn: string, _session: string, accountId?: string) {
      if (accountId === OTHER_ACCOUNT) {
        throw new AccessDeniedError(`Cannot assume ${arn}: check that the role exists`, {
          action: 'sts:AssumeRole',
          accountId,
        });
      }
      return { accessKeyId: `AKIA${accountId}`, secretAccessKey: 'x' };
    }
  }

  it("reads each account with the rule's collect and compares what it lists", async () => {
    // Prepare: root-backup-mfa facts as its collect returns them; a stranger's key on the member's root.
    const inventories: Record<string, Inventory> = {
      ...MATCHING,
      [MEMBER_ACCOUNT]: listed(CUSTODY_SERIALS.memberPrimary, CUSTODY_SERIALS.memberBackup, UNKNOWN_KEY),
    };
    const collect = async (ctx: { accountId: string }) => ({
      summary: { mfaEnabled: true, accessKeysPresent: false, signingCertificatesPresent: false },
      inventory: inventories[ctx.accountId],
      register: { status: 'not-configured' },
    });
    const io = captureIo({
      orgScanIo: () => ({
        clients: new FakeRoles({ region: REGION }),
        readSnapshot: async () => SNAPSHOT,
        collectors: { [BACKUP_MFA_RULE_ID]: collect as never },
        now: () => CUSTODY_NOW,
      }),
    });

    // Act
    const code = await run(
      argv('custody', 'diff', writeRegister(), '--org', '--format', 'json', '--fail-on-difference'),
      io,
    );

    // Assess
    expect(io.err()).toBe('');
    expect(code).toBe(EXIT_NON_COMPLIANT);
    const report: CustodyDiffReport = JSON.parse(io.out());
    expect(report.inventories).toBe('the organization (live)');
    expect(report.accounts.map((a) => [a.accountId, a.comparison, a.inventory])).toEqual([
      [MANAGEMENT_ACCOUNT, 'attested', 'unavailable'],
      [MEMBER_ACCOUNT, 'compared', 'listed'],
      [OTHER_ACCOUNT, 'not-compared', 'failed'],
    ]);
    expect(report.accounts[1]?.findings).toEqual([
      expect.objectContaining({ kind: 'unknown-device', serialNumber: UNKNOWN_KEY }),
    ]);
    expect(report.accounts[2]?.note).toMatch(/^could not be read: .*Cannot assume/);
  });
});

describe('rootguard custody publish', () => {
  const { s3, dynamo } = useSdkMocks({ s3: S3Client, dynamo: DynamoDBDocumentClient });
  const clientFactory = () => new ClientFactory({ region: REGION });
  const BUCKET = 'rootguard-custody-register-111111111111';

  it('uploads the JSON form, encrypted, with the sha256 of the YAML, and prints the version id', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-3', ServerSideEncryption: 'AES256' });
    const yaml = custodyRegisterYaml();
    const file = writeFile('custody-register.yaml', yaml);
    const io = captureIo({ clientFactory });

    // Act
    const code = await run(argv('custody', 'publish', file, '--bucket', BUCKET), io);

    // Assess
    expect(code).toBe(EXIT_OK);
    const sha256 = createHash('sha256').update(yaml).digest('hex');
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Bucket: BUCKET,
      Key: 'custody-register.json',
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
      Metadata: { 'source-sha256': sha256 },
    });
    expect(JSON.parse(String(input?.Body))).toEqual(custodyRegister());
    expect(io.out()).toBe(
      `Published ${file} to s3://${BUCKET}/custody-register.json (AES256, source sha256 ${sha256}).\nVersion id: v-3\n`,
    );
  });

  it('with --ledger-table, also writes one item per account for the alert, then the pointer to this register', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-5', ServerSideEncryption: 'AES256' });
    const yaml = custodyRegisterYaml();
    const file = writeFile('custody-register.yaml', yaml);
    const io = captureIo({ clientFactory });

    // Act
    const code = await run(
      argv('custody', 'publish', file, '--bucket', BUCKET, '--ledger-table', 'rootguard-ledger'),
      io,
    );

    // Assess
    expect(code).toBe(EXIT_OK);
    const sha256 = createHash('sha256').update(yaml).digest('hex');
    const items = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    const accounts = custodyRegister().accounts;
    expect(items.map((i) => [i.TableName, i.Item?.eventId])).toEqual([
      ...accounts.map((a) => ['rootguard-ledger', `custody#${a.accountId}`]),
      ['rootguard-ledger', 'custody#current'],
    ]);
    expect(items.every((i) => i.Item?.registerDigest === sha256)).toBe(true);
    expect(items[0]?.Item?.account).toEqual(accounts[0]);
    expect(io.out()).toContain(
      `For the root activity alert: ${accounts.length} accounts in ledger table rootguard-ledger.`,
    );
  });

  it('uses SSE-KMS with the key given, another key name and the expected bucket owner', async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: 'v-4', ServerSideEncryption: 'aws:kms' });
    const kmsKey = `arn:aws:kms:${REGION}:${SECURITY_TOOLING_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

    const code = await run(
      argv(
        'custody',
        'publish',
        writeRegister(),
        '--bucket',
        BUCKET,
        '--key',
        'registers/prod.json',
        '--kms-key-id',
        kmsKey,
        '--expected-bucket-owner',
        SECURITY_TOOLING_ACCOUNT,
      ),
      captureIo({ clientFactory }),
    );

    expect(code).toBe(EXIT_OK);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: 'registers/prod.json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: kmsKey,
      ExpectedBucketOwner: SECURITY_TOOLING_ACCOUNT,
    });
  });

  it('uploads nothing when the register is invalid', async () => {
    const file = writeFile('bad.yaml', custodyRegisterYaml().replace('kind: fido', 'kind: passkey'));
    const io = captureIo({ clientFactory });

    const code = await run(argv('custody', 'publish', file, '--bucket', BUCKET), io);

    expect(code).toBe(EXIT_ERROR);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(io.err()).toContain(`${file}:6 accounts[0].devices[0].kind: Invalid option`);
  });

  it('fails when the bucket returns no version id (not versioned), saying how to fix it', async () => {
    s3.on(PutObjectCommand).resolves({});
    const io = captureIo({ clientFactory });

    const code = await run(argv('custody', 'publish', writeRegister(), '--bucket', BUCKET), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain('S3 returned no version id: the bucket is not versioned');
    expect(io.err()).toContain(`put-bucket-versioning --bucket ${BUCKET}`);
  });

  it('names the action when S3 refuses the write', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const io = captureIo({ clientFactory });

    const code = await run(argv('custody', 'publish', writeRegister(), '--bucket', BUCKET), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toBe('rootguard: Access denied calling s3:PutObject (AccessDenied: Access Denied)\n');
  });

  it('requires --bucket', async () => {
    const io = captureIo({ clientFactory });

    const code = await run(argv('custody', 'publish', writeRegister()), io);

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain("required option '--bucket <name>' not specified");
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
