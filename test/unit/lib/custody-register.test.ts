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

/** Sets the field at `path` (`accounts[0].devices[1].site`) to `value`; REMOVED deletes it. */
function setAt(register: Loose, path: string, value: unknown): void {
  const keys = path.split(/[.[\]]+/).filter(Boolean);
  const field = keys.pop() as string;
  const parent = keys.reduce((node, key) => node[key], register);
  if (value === REMOVED) delete parent[field];
  else parent[field] = value;
}
const REMOVED = Symbol('removed');

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

  // Every field wrong in turn (set to the value, or REMOVED): exactly one issue, at that field's path.
  it.each<[string, string, unknown, RegExp]>([
    ['version 2', 'version', 2, /expected 1/],
    ['version as text', 'version', '1', /expected 1/],
    ['no version', 'version', REMOVED, /expected 1/],
    ['no accounts', 'accounts', REMOVED, /expected array/],
    ['accounts as a map', 'accounts', { a: 1 }, /expected array/],
    ['an account that is a string', 'accounts[1]', MEMBER_ACCOUNT, /expected object/],
    ['an account id as a number', 'accounts[0].accountId', 222222222222, /quote it in YAML/],
    ['an account id of 11 digits', 'accounts[0].accountId', '22222222222', /12-digit/],
    ['an account id with letters', 'accounts[0].accountId', 'prod-payments', /12-digit/],
    ['no devices list', 'accounts[0].devices', REMOVED, /expected array/],
    ['a device that is null', DEVICE, null, /expected object/],
    ['a serial as a number', 'accounts[0].devices[1].serialNumber', 123456789012, /as text/],
    ['a serial too short', 'accounts[0].devices[1].serialNumber', 'GAHT1', /9 to 256/],
    ['a serial with a space', 'accounts[0].devices[1].serialNumber', 'GAHT 12345678', /9 to 256/],
    [
      'a serial of no known kind',
      'accounts[0].devices[1].serialNumber',
      'GAHT-1234-5678',
      /not a serial of a known MFA device kind/,
    ],
    [
      'a device ARN of another account',
      `${DEVICE}.serialNumber`,
      CUSTODY_SERIALS.otherPrimary,
      new RegExp(`names account ${OTHER_ACCOUNT}, not ${MEMBER_ACCOUNT}`),
    ],
    ['an unknown kind', `${DEVICE}.kind`, 'yubikey', /expected one of "fido"\|"hardware-totp"\|"virtual"/],
    ['the kind unknown', `${DEVICE}.kind`, 'unknown', /expected one of/],
    [
      'a kind its serial contradicts',
      `${DEVICE}.kind`,
      'virtual',
      /virtual does not match the serial, which is a fido device's/,
    ],
    ['an empty custodian', `${DEVICE}.custodian`, '', /must not be empty/],
    ['a blank custodian', `${DEVICE}.custodian`, '   ', /must not be empty/],
    ['a custodian of 257 characters', `${DEVICE}.custodian`, 'x'.repeat(257), /<=256/],
    ['a custodian as a number', `${DEVICE}.custodian`, 42, /expected string/],
    ['no site', `${DEVICE}.site`, REMOVED, /expected string/],
    ['an empty site', `${DEVICE}.site`, '', /must not be empty/],
    ['2026-02-30', `${DEVICE}.lastCustodyCheck`, '2026-02-30', /not a calendar date/],
    ['2025-02-29 (not a leap year)', `${DEVICE}.lastCustodyCheck`, '2025-02-29', /not a calendar date/],
    ['month 13', `${DEVICE}.lastCustodyCheck`, '2026-13-01', /not a calendar date/],
    ['a day first date', `${DEVICE}.lastCustodyCheck`, '01.10.2026', /YYYY-MM-DD/],
    ['a timestamp', `${DEVICE}.lastCustodyCheck`, '2026-10-01T00:00:00Z', /YYYY-MM-DD/],
    ['a date as a Date', `${DEVICE}.lastCustodyCheck`, new Date('2026-10-01'), /expected string/],
    ['an unknown status', `${DEVICE}.status`, 'stolen', /expected one of "active"\|"retired"\|"lost"/],
    ['an unknown device field', `${DEVICE}.location`, 'safe', /^unknown field$/],
    ['an unknown account field', 'accounts[0].owner', 'team', /^unknown field$/],
    ['an unknown top-level field', 'description', 'x', /^unknown field$/],
    ['an attestation date 2026-02-30', `${ATTESTATION}.date`, '2026-02-30', /not a calendar date/],
    ['an attestation without a signer', `${ATTESTATION}.signedOffBy`, '', /must not be empty/],
    ['-1 hardware devices', `${ATTESTATION}.hardwareDevices`, -1, />=0/],
    ['9 hardware devices (root holds at most 8)', `${ATTESTATION}.hardwareDevices`, 9, /<=8/],
    ['1.5 hardware devices', `${ATTESTATION}.hardwareDevices`, 1.5, /expected int/],
    ['hardware devices as text', `${ATTESTATION}.hardwareDevices`, '2', /expected number/],
    ['noVirtualDevices as "yes"', `${ATTESTATION}.noVirtualDevices`, 'yes', /expected boolean/],
    ['an unknown attestation field', `${ATTESTATION}.witness`, 'CFO', /^unknown field$/],
  ])('refuses %s at its path', (_name, path, value, message) => {
    // Prepare
    const register = broken((r) => setAt(r, path, value));

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
