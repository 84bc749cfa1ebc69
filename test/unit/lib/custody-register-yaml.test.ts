import { InvalidCustodyRegisterError } from '../../../lib/custody-register';
import { parseCustodyRegister } from '../../../lib/custody-register-yaml';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT } from '../../helpers/constants';
import { CUSTODY_SERIALS, custodyRegister, custodyRegisterYaml } from '../../helpers/custody-register';

const SOURCE = 'governance/custody-register.yaml';

/** A register written by hand; the line numbers of the tests below count from here. */
const REGISTER = `version: 1
accounts:
  - accountId: "${MEMBER_ACCOUNT}"
    devices:
      - serialNumber: ${CUSTODY_SERIALS.memberPrimary}
        kind: fido
        custodian: Security on-call lead
        site: Frankfurt office safe
        lastCustodyCheck: 2026-10-01
        status: active
      - serialNumber: ${CUSTODY_SERIALS.memberBackup}
        kind: hardware-totp
        custodian: CISO office
        site: Berlin bank vault
        lastCustodyCheck: 2026-10-01
        status: active
  - accountId: "${MANAGEMENT_ACCOUNT}"
    devices: []
    attestation:
      date: 2026-10-01
      signedOffBy: CISO
      hardwareDevices: 2
      noVirtualDevices: true
`;

/** Replaces the one occurrence of `from` (the test fails when there is none or several). */
function edit(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2)
    throw new Error(`expected one "${from}" in the register, found ${parts.length - 1}`);
  return parts.join(to);
}

function issuesOf(text: string) {
  try {
    parseCustodyRegister(text, SOURCE);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCustodyRegisterError);
    return (error as InvalidCustodyRegisterError).issues;
  }
  throw new Error('the register parsed');
}

describe('parseCustodyRegister', () => {
  it('reads a hand-written register, plain dates staying text', () => {
    // Act
    const register = parseCustodyRegister(REGISTER, SOURCE);

    // Assess
    expect(register.accounts.map((a) => a.accountId)).toEqual([MEMBER_ACCOUNT, MANAGEMENT_ACCOUNT]);
    expect(register.accounts[0]?.devices[1]).toEqual({
      serialNumber: CUSTODY_SERIALS.memberBackup,
      kind: 'hardware-totp',
      custodian: 'CISO office',
      site: 'Berlin bank vault',
      lastCustodyCheck: '2026-10-01',
      status: 'active',
    });
    expect(register.accounts[1]?.attestation?.date).toBe('2026-10-01');
  });

  it('reads back what a YAML writer makes of a register', () => {
    const register = custodyRegister();

    expect(parseCustodyRegister(custodyRegisterYaml(register), SOURCE)).toEqual(register);
  });

  it('reads JSON too (JSON is YAML), as the published copy is', () => {
    const register = custodyRegister();

    expect(parseCustodyRegister(JSON.stringify(register), SOURCE)).toEqual(register);
  });

  it.each<[string, string, string, { path: string; line: number; message: RegExp }]>([
    [
      'a wrong kind',
      'kind: hardware-totp',
      'kind: yubikey',
      { path: 'accounts[0].devices[1].kind', line: 12, message: /expected one of/ },
    ],
    [
      '2026-02-30',
      'signedOffBy: CISO',
      'signedOffBy: ""',
      { path: 'accounts[1].attestation.signedOffBy', line: 21, message: /must not be empty/ },
    ],
    [
      'an unquoted account id (a number)',
      `"${MANAGEMENT_ACCOUNT}"`,
      MANAGEMENT_ACCOUNT,
      { path: 'accounts[1].accountId', line: 17, message: /quote it in YAML/ },
    ],
    [
      'an all-digit serial left unquoted',
      `serialNumber: ${CUSTODY_SERIALS.memberBackup}`,
      'serialNumber: 12345678901',
      { path: 'accounts[0].devices[1].serialNumber', line: 11, message: /as text \(quote it in YAML/ },
    ],
    [
      'noVirtualDevices: yes (text in YAML 1.2)',
      'noVirtualDevices: true',
      'noVirtualDevices: yes',
      { path: 'accounts[1].attestation.noVirtualDevices', line: 23, message: /expected boolean/ },
    ],
    [
      'a date with a time',
      'date: 2026-10-01',
      'date: 2026-10-01 10:00',
      { path: 'accounts[1].attestation.date', line: 20, message: /YYYY-MM-DD/ },
    ],
    [
      'an unknown field, at its own line',
      'status: active\n  - accountId',
      'status: active\n        location: safe\n  - accountId',
      { path: 'accounts[0].devices[1].location', line: 17, message: /^unknown field$/ },
    ],
    [
      'a missing field, at the line of its entry',
      '        site: Berlin bank vault\n',
      '',
      { path: 'accounts[0].devices[1].site', line: 11, message: /expected string/ },
    ],
    [
      'a binary value',
      'custodian: CISO office',
      'custodian: !!binary Q0lTTw==',
      { path: 'accounts[0].devices[1].custodian', line: 13, message: /expected string/ },
    ],
  ])('names the line and path of %s', (_name, from, to, expected) => {
    // Prepare
    const text = edit(REGISTER, from, to);

    // Act
    const issues = issuesOf(text);

    // Assess
    expect(issues).toEqual([{ ...expected, message: expect.stringMatching(expected.message) }]);
  });

  it('names the line of 2026-02-30', () => {
    const text = edit(REGISTER, 'date: 2026-10-01', 'date: 2026-02-30');

    expect(issuesOf(text)).toEqual([
      { path: 'accounts[1].attestation.date', line: 20, message: 'not a calendar date' },
    ]);
  });

  it('names the line of the second of two entries with one serial', () => {
    const text = edit(
      edit(
        REGISTER,
        `serialNumber: ${CUSTODY_SERIALS.memberBackup}`,
        `serialNumber: ${CUSTODY_SERIALS.memberPrimary}`,
      ),
      'kind: hardware-totp',
      'kind: fido',
    );

    expect(issuesOf(text)).toEqual([
      { path: 'accounts[0].devices[1].serialNumber', line: 11, message: 'listed twice in this account' },
    ]);
  });

  it('names the line of the second of two entries for one account', () => {
    const text = edit(REGISTER, `"${MANAGEMENT_ACCOUNT}"`, `"${MEMBER_ACCOUNT}"`);

    expect(issuesOf(text)).toEqual([
      { path: 'accounts[1].accountId', line: 17, message: 'account listed twice' },
    ]);
  });

  it('refuses a duplicated key instead of letting the last one win', () => {
    const text = edit(
      REGISTER,
      '        status: active\n  - accountId',
      '        status: active\n        status: lost\n  - accountId',
    );

    expect(issuesOf(text)).toEqual([{ path: '', line: 17, message: 'Map keys must be unique' }]);
  });

  it.each([
    ['in the document', 'version: 1\n', 'version: 1\n__proto__:\n  polluted: true\n', '__proto__', 2],
    [
      'in an account',
      '    devices: []\n',
      '    devices: []\n    __proto__: { polluted: true }\n',
      'accounts[1].__proto__',
      19,
    ],
    [
      'in a device',
      '        status: active\n  - accountId',
      '        status: active\n        __proto__: { polluted: true }\n  - accountId',
      'accounts[0].devices[1].__proto__',
      17,
    ],
  ])('refuses a __proto__ key %s as an unknown field, polluting nothing', (_where, from, to, path, line) => {
    const text = edit(REGISTER, from, to);

    expect(issuesOf(text)).toEqual([{ path, line, message: 'unknown field' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses aliases, naming the line of each', () => {
    // Prepare: the backup device borrows the primary's site through an anchor.
    const text = edit(
      edit(REGISTER, 'site: Frankfurt office safe', 'site: &site Frankfurt office safe'),
      'site: Berlin bank vault',
      'site: *site',
    );

    // Act
    const issues = issuesOf(text);

    // Assess
    expect(issues).toEqual([
      { path: '', line: 14, message: expect.stringMatching(/alias \*site is not allowed/) },
    ]);
  });

  it('refuses a tag it does not know instead of reading it as text', () => {
    const text = edit(REGISTER, 'custodian: CISO office', 'custodian: !person CISO office');

    expect(issuesOf(text)).toEqual([
      { path: '', line: 13, message: expect.stringMatching(/Unresolved tag: !person/) },
    ]);
  });

  describe('truncated or broken YAML', () => {
    it('names the line where a cut inside a quoted value leaves it open', () => {
      const text = REGISTER.slice(0, REGISTER.indexOf(MANAGEMENT_ACCOUNT) + 4);

      expect(issuesOf(text)).toEqual([
        { path: '', line: 17, message: expect.stringMatching(/Missing closing "quote/) },
      ]);
    });

    it('names every field a cut inside a device leaves missing', () => {
      const text = REGISTER.slice(0, REGISTER.indexOf('custodian: CISO office'));

      expect(issuesOf(text).map(({ path, line }) => ({ path, line }))).toEqual([
        { path: 'accounts[0].devices[1].custodian', line: 11 },
        { path: 'accounts[0].devices[1].site', line: 11 },
        { path: 'accounts[0].devices[1].lastCustodyCheck', line: 11 },
        { path: 'accounts[0].devices[1].status', line: 11 },
      ]);
    });

    it('says accounts is empty when the file stops after its key', () => {
      const text = 'version: 1\naccounts:\n';

      expect(issuesOf(text)).toEqual([
        { path: 'accounts', line: 2, message: expect.stringMatching(/expected array, received null/) },
      ]);
    });

    it('refuses an empty file', () => {
      expect(issuesOf('')).toEqual([
        { path: '', message: expect.stringMatching(/expected object, received null/) },
      ]);
    });

    it('refuses a second document', () => {
      expect(issuesOf(`${REGISTER}---\nversion: 1\naccounts: []\n`)).toEqual([
        { path: '', line: 24, message: expect.stringMatching(/multiple documents/) },
      ]);
    });

    it('refuses tabs as indentation, at their line', () => {
      const issues = issuesOf(edit(REGISTER, '        kind: fido', '\tkind: fido'));

      expect(issues[0]).toEqual({ path: '', line: 6, message: 'Tabs are not allowed as indentation' });
    });

    it('refuses a list or a scalar as the document', () => {
      expect(issuesOf('- version: 1\n')).toEqual([
        { path: '', line: 1, message: expect.stringMatching(/expected object, received array/) },
      ]);
      expect(issuesOf('custody register\n')).toEqual([
        { path: '', line: 1, message: expect.stringMatching(/expected object, received string/) },
      ]);
    });
  });

  it.each([
    ['Windows line ends', (text: string) => text.replace(/\n/g, '\r\n')],
    ['a byte order mark', (text: string) => `\uFEFF${text}`],
  ])('reads a register with %s and counts its lines the same', (_name, encode) => {
    expect(parseCustodyRegister(encode(REGISTER), SOURCE)).toEqual(parseCustodyRegister(REGISTER, SOURCE));
    expect(issuesOf(encode(edit(REGISTER, 'date: 2026-10-01', 'date: 2026-02-30')))).toEqual([
      { path: 'accounts[1].attestation.date', line: 20, message: 'not a calendar date' },
    ]);
  });

  it('names the source in the error message', () => {
    expect(() => parseCustodyRegister(edit(REGISTER, 'kind: fido', 'kind: virtual'), SOURCE)).toThrow(
      `custody register ${SOURCE} is invalid: ${SOURCE}:6 accounts[0].devices[0].kind: virtual does not match the serial, which is a fido device's`,
    );
  });
});
