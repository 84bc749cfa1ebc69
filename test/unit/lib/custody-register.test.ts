import {
  type CustodyRegisterIssue,
  InvalidCustodyRegisterError,
  validateCustodyRegister,
} from '../../../lib/custody-register';
import type { CustodyRegister } from '../../../lib/custody-register-types';
import { MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../helpers/constants';
import { CUSTODY_SERIALS, custodyRegister } from '../../helpers/custody-register';
import { custodyDevice } from '../../helpers/mfa-devices';

const SOURCE = 'custody-register.yaml';

/** A register as loosely typed as a parsed document, so a test can put anything anywhere. */
// biome-ignore lint/suspicious/noExplicitAny: tests break the register on purpose.
type Loose = any;

function issuesOf(value: unknown, lineOf?: (path: readonly PropertyKey[]) => number | undefined) {
  try {
    validateCustodyRegister(value, SOURCE, lineOf);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCustodyRegisterError);
    return (error as InvalidCustodyRegisterError).issues;
  }
  throw new Error('the register validated');
}

function broken(mutate: (register: Loose) => void): Loose {
  const register: Loose = custodyRegister();
  mutate(register);
  return register;
}

const DEVICE = 'accounts[0].devices[0]';
const ATTESTATION = 'accounts[2].attestation';

describe('validateCustodyRegister', () => {
  it('returns a valid register as it is', () => {
    // Prepare
    const register = custodyRegister();

    // Act
    const result = validateCustodyRegister(register, SOURCE);

    // Assess
    expect(result).toEqual(register);
  });

  it('accepts an account with no devices and an attestation without devices listed', () => {
    const register: CustodyRegister = {
      version: 1,
      accounts: [
        { accountId: MEMBER_ACCOUNT, devices: [] },
        {
          accountId: MANAGEMENT_ACCOUNT,
          devices: [],
          attestation: {
            date: '2026-10-01',
            signedOffBy: 'CISO',
            hardwareDevices: 0,
            noVirtualDevices: false,
          },
        },
      ],
    };

    expect(validateCustodyRegister(register, SOURCE)).toEqual(register);
  });

  it('trims names and sites', () => {
    const register = broken((r) => {
      r.accounts[0].devices[0].custodian = '  Security on-call lead ';
    });

    expect(validateCustodyRegister(register, SOURCE).accounts[0]?.devices[0]?.custodian).toBe(
      'Security on-call lead',
    );
  });

  // Every field wrong in turn: exactly one issue, at that field's path.
  it.each<[string, (r: Loose) => void, string, RegExp]>([
    ['version 2', (r) => (r.version = 2), 'version', /expected 1/],
    ['version as text', (r) => (r.version = '1'), 'version', /expected 1/],
    ['no version', (r) => delete r.version, 'version', /expected 1/],
    ['no accounts', (r) => delete r.accounts, 'accounts', /expected array/],
    ['accounts as a map', (r) => (r.accounts = { a: 1 }), 'accounts', /expected array/],
    [
      'an account that is a string',
      (r) => (r.accounts[1] = MEMBER_ACCOUNT),
      'accounts[1]',
      /expected object/,
    ],
    [
      'an account id as a number',
      (r) => (r.accounts[0].accountId = 222222222222),
      'accounts[0].accountId',
      /quote it in YAML/,
    ],
    [
      'an account id of 11 digits',
      (r) => (r.accounts[0].accountId = '22222222222'),
      'accounts[0].accountId',
      /12-digit/,
    ],
    [
      'an account id with letters',
      (r) => (r.accounts[0].accountId = 'prod-payments'),
      'accounts[0].accountId',
      /12-digit/,
    ],
    ['no devices list', (r) => delete r.accounts[0].devices, 'accounts[0].devices', /expected array/],
    ['a device that is null', (r) => (r.accounts[0].devices[0] = null), DEVICE, /expected object/],
    [
      'a serial as a number',
      (r) => (r.accounts[0].devices[1].serialNumber = 123456789012),
      'accounts[0].devices[1].serialNumber',
      /as text/,
    ],
    [
      'a serial too short',
      (r) => (r.accounts[0].devices[1].serialNumber = 'GAHT1'),
      'accounts[0].devices[1].serialNumber',
      /9 to 256/,
    ],
    [
      'a serial with a space',
      (r) => (r.accounts[0].devices[1].serialNumber = 'GAHT 12345678'),
      'accounts[0].devices[1].serialNumber',
      /9 to 256/,
    ],
    [
      'a serial of no known kind',
      (r) => (r.accounts[0].devices[1].serialNumber = 'GAHT-1234-5678'),
      'accounts[0].devices[1].serialNumber',
      /not a serial of a known MFA device kind/,
    ],
    [
      'a device ARN of another account',
      (r) => (r.accounts[0].devices[0].serialNumber = CUSTODY_SERIALS.otherPrimary),
      `${DEVICE}.serialNumber`,
      new RegExp(`names account ${OTHER_ACCOUNT}, not ${MEMBER_ACCOUNT}`),
    ],
    [
      'an unknown kind',
      (r) => (r.accounts[0].devices[0].kind = 'yubikey'),
      `${DEVICE}.kind`,
      /expected one of "fido"\|"hardware-totp"\|"virtual"/,
    ],
    [
      'the kind unknown',
      (r) => (r.accounts[0].devices[0].kind = 'unknown'),
      `${DEVICE}.kind`,
      /expected one of/,
    ],
    [
      'a kind its serial contradicts',
      (r) => (r.accounts[0].devices[0].kind = 'virtual'),
      `${DEVICE}.kind`,
      /virtual does not match the serial, which is a fido device's/,
    ],
    [
      'an empty custodian',
      (r) => (r.accounts[0].devices[0].custodian = ''),
      `${DEVICE}.custodian`,
      /must not be empty/,
    ],
    [
      'a blank custodian',
      (r) => (r.accounts[0].devices[0].custodian = '   '),
      `${DEVICE}.custodian`,
      /must not be empty/,
    ],
    [
      'a custodian of 257 characters',
      (r) => (r.accounts[0].devices[0].custodian = 'x'.repeat(257)),
      `${DEVICE}.custodian`,
      /<=256/,
    ],
    [
      'a custodian as a number',
      (r) => (r.accounts[0].devices[0].custodian = 42),
      `${DEVICE}.custodian`,
      /expected string/,
    ],
    ['no site', (r) => delete r.accounts[0].devices[0].site, `${DEVICE}.site`, /expected string/],
    ['an empty site', (r) => (r.accounts[0].devices[0].site = ''), `${DEVICE}.site`, /must not be empty/],
    [
      '2026-02-30',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = '2026-02-30'),
      `${DEVICE}.lastCustodyCheck`,
      /not a calendar date/,
    ],
    [
      '2025-02-29 (not a leap year)',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = '2025-02-29'),
      `${DEVICE}.lastCustodyCheck`,
      /not a calendar date/,
    ],
    [
      'month 13',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = '2026-13-01'),
      `${DEVICE}.lastCustodyCheck`,
      /not a calendar date/,
    ],
    [
      'a day first date',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = '01.10.2026'),
      `${DEVICE}.lastCustodyCheck`,
      /YYYY-MM-DD/,
    ],
    [
      'a timestamp',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = '2026-10-01T00:00:00Z'),
      `${DEVICE}.lastCustodyCheck`,
      /YYYY-MM-DD/,
    ],
    [
      'a date as a Date',
      (r) => (r.accounts[0].devices[0].lastCustodyCheck = new Date('2026-10-01')),
      `${DEVICE}.lastCustodyCheck`,
      /expected string/,
    ],
    [
      'an unknown status',
      (r) => (r.accounts[0].devices[0].status = 'stolen'),
      `${DEVICE}.status`,
      /expected one of "active"\|"retired"\|"lost"/,
    ],
    [
      'an unknown device field',
      (r) => (r.accounts[0].devices[0].location = 'safe'),
      `${DEVICE}.location`,
      /^unknown field$/,
    ],
    [
      'an unknown account field',
      (r) => (r.accounts[0].owner = 'team'),
      'accounts[0].owner',
      /^unknown field$/,
    ],
    ['an unknown top-level field', (r) => (r.description = 'x'), 'description', /^unknown field$/],
    [
      'an attestation date 2026-02-30',
      (r) => (r.accounts[2].attestation.date = '2026-02-30'),
      `${ATTESTATION}.date`,
      /not a calendar date/,
    ],
    [
      'an attestation without a signer',
      (r) => (r.accounts[2].attestation.signedOffBy = ''),
      `${ATTESTATION}.signedOffBy`,
      /must not be empty/,
    ],
    [
      '-1 hardware devices',
      (r) => (r.accounts[2].attestation.hardwareDevices = -1),
      `${ATTESTATION}.hardwareDevices`,
      />=0/,
    ],
    [
      '9 hardware devices (root holds at most 8)',
      (r) => (r.accounts[2].attestation.hardwareDevices = 9),
      `${ATTESTATION}.hardwareDevices`,
      /<=8/,
    ],
    [
      '1.5 hardware devices',
      (r) => (r.accounts[2].attestation.hardwareDevices = 1.5),
      `${ATTESTATION}.hardwareDevices`,
      /expected int/,
    ],
    [
      'hardware devices as text',
      (r) => (r.accounts[2].attestation.hardwareDevices = '2'),
      `${ATTESTATION}.hardwareDevices`,
      /expected number/,
    ],
    [
      'noVirtualDevices as "yes"',
      (r) => (r.accounts[2].attestation.noVirtualDevices = 'yes'),
      `${ATTESTATION}.noVirtualDevices`,
      /expected boolean/,
    ],
    [
      'an unknown attestation field',
      (r) => (r.accounts[2].attestation.witness = 'CFO'),
      `${ATTESTATION}.witness`,
      /^unknown field$/,
    ],
  ])('refuses %s at its path', (_name, mutate, path, message) => {
    // Prepare
    const register = broken(mutate);

    // Act
    const issues = issuesOf(register);

    // Assess
    expect(issues).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('refuses a serial listed twice in one account, at the second entry', () => {
    const register = broken((r) => {
      r.accounts[0].devices.push(custodyDevice(CUSTODY_SERIALS.memberPrimary, 'elsewhere'));
    });

    expect(issuesOf(register)).toEqual([
      { path: 'accounts[0].devices[2].serialNumber', message: 'listed twice in this account' },
    ]);
  });

  it('refuses an account listed twice, at the second entry', () => {
    const register = broken((r) => {
      r.accounts.push({ accountId: MEMBER_ACCOUNT, devices: [] });
    });

    expect(issuesOf(register)).toEqual([{ path: 'accounts[3].accountId', message: 'account listed twice' }]);
  });

  it('reports every problem of the register at once, not only the first', () => {
    const register = broken((r) => {
      r.accounts[0].devices[0].site = '';
      r.accounts[1].devices[1].status = 'misplaced';
      r.accounts[2].attestation.hardwareDevices = 9;
    });

    expect(issuesOf(register).map((issue) => issue.path)).toEqual([
      `${DEVICE}.site`,
      'accounts[1].devices[1].status',
      `${ATTESTATION}.hardwareDevices`,
    ]);
  });

  it('refuses an own __proto__ key as an unknown field and pollutes no prototype', () => {
    // Prepare: JSON.parse makes __proto__ an own key, as a YAML or JSON reader of the register does.
    const register = JSON.parse(
      JSON.stringify(custodyRegister()).replace('"version":1,', '"version":1,"__proto__":{"polluted":true},'),
    );

    // Act
    const issues = issuesOf(register);

    // Assess
    expect(issues).toEqual([{ path: '__proto__', message: 'unknown field' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('asks the caller for the line of each problem and keeps it', () => {
    const register = broken((r) => {
      r.accounts[1].devices[0].custodian = '';
    });
    const asked: string[] = [];

    const issues = issuesOf(register, (path) => {
      asked.push(path.join('/'));
      return 42;
    });

    expect(asked).toEqual(['accounts/1/devices/0/custodian']);
    expect(issues).toEqual<CustodyRegisterIssue[]>([
      { path: 'accounts[1].devices[0].custodian', line: 42, message: 'must not be empty' },
    ]);
  });

  it('names the source, line and path in its message, the first five problems and how many more', () => {
    const register = broken((r) => {
      for (const account of r.accounts) for (const device of account.devices) device.site = '';
    });

    let error: InvalidCustodyRegisterError | undefined;
    try {
      validateCustodyRegister(register, SOURCE, () => 7);
    } catch (caught) {
      error = caught as InvalidCustodyRegisterError;
    }

    expect(error?.issues).toHaveLength(6);
    expect(error?.source).toBe(SOURCE);
    expect(error?.message).toMatch(
      /^custody register custody-register.yaml is invalid: custody-register.yaml:7 accounts\[0\].devices\[0\].site: must not be empty; /,
    );
    expect(error?.message).toMatch(/\(and 1 more\)$/);
  });

  it('refuses a document that is not a map', () => {
    expect(issuesOf(null)).toEqual([{ path: '', message: expect.stringMatching(/expected object/) }]);
    expect(issuesOf([custodyRegister()])).toEqual([
      { path: '', message: expect.stringMatching(/expected object/) },
    ]);
  });
});
