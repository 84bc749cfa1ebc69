import { stringify } from 'yaml';
import { InvalidCustodyRegisterError } from '../../../../lib/custody-register';
import type { CustodyRegister } from '../../../../lib/custody-register-types';
import { parseCustodyRegister } from '../../../../lib/custody-register-yaml';
import { MEMBER_ACCOUNT, OTHER_ACCOUNT } from '../../../helpers/constants';
import { type Mutated, ownAt } from '../../../helpers/mutations';
import { describeParserProperties } from '../../../helpers/parser-properties';

const REGISTER: CustodyRegister = {
  version: 1,
  accounts: [
    {
      accountId: MEMBER_ACCOUNT,
      devices: [
        {
          serialNumber: `arn:aws:iam::${MEMBER_ACCOUNT}:u2f/root-account-mfa-device/ABCDEFGHIJ`,
          kind: 'fido',
          custodian: 'Alice Example',
          site: 'Vault A, Dublin',
          lastCustodyCheck: '2026-10-01',
          status: 'active',
        },
      ],
      attestation: {
        date: '2026-10-01',
        signedOffBy: 'Bob Example',
        hardwareDevices: 1,
        noVirtualDevices: true,
      },
    },
    { accountId: OTHER_ACCOUNT, devices: [] },
  ],
};
const isTypedError = (error: unknown) =>
  error instanceof InvalidCustodyRegisterError &&
  error.issues.length > 0 &&
  error.issues.every((issue) => issue.message !== '');

/** As a team writes it: YAML (block style), or the JSON the mutation left (JSON is YAML too). */
const asYaml = (m: Mutated) => (m.value === undefined ? m.text : stringify(m.value));

// The key custody register a governance team keeps (lib/custody-register-yaml.ts + lib/custody-register.ts).
describe('custody register', () => {
  describeParserProperties<CustodyRegister>({
    input: 'text',
    cases: [
      { name: 'register as JSON text', sample: REGISTER },
      { name: 'register as YAML', sample: REGISTER, toInput: asYaml },
    ],
    parse: (text) => parseCustodyRegister(text as string, 'custody.yaml'),
    isTypedError,
    // No device is invented or loses its status to a default.
    runs: 100,
    invariant: (register, mutated) => {
      const accounts = ownAt(mutated.value, ['accounts']) as { devices: { status: string }[] }[];
      expect(register.accounts.flatMap((a) => a.devices.map((d) => d.status))).toEqual(
        accounts.flatMap((a) => a.devices.map((d) => d.status)),
      );
    },
  });

  // YAML-only shapes a hand-written register can take: each is a typed error, never a crash.
  it.each([
    // Counterexamples: both were a bare ReferenceError ("Alias resolution is disabled") before issue 16.
    ['an alias', 'version: 1\naccounts: &a []\nother: *a\n'],
    [
      'a merge key',
      'version: 1\nbase: &b {devices: []}\naccounts:\n  - <<: *b\n    accountId: "222222222222"\n',
    ],
    ['a custom tag', 'version: !!js/function "x"\naccounts: []\n'],
    ['a duplicated key', 'version: 1\nversion: 1\naccounts: []\n'],
    ['an unquoted account id', 'version: 1\naccounts:\n  - accountId: 222222222222\n    devices: []\n'],
    ['a document stream', 'version: 1\naccounts: []\n---\nversion: 1\n'],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['a tab indent', 'version: 1\naccounts:\n\t- accountId: "222222222222"\n'],
  ])('%s is a typed error naming why', (_what, text) => {
    // Act
    const act = () => parseCustodyRegister(text, 'custody.yaml');

    // Assess
    let thrown: unknown;
    try {
      act();
    } catch (error) {
      thrown = error;
    }
    expect(isTypedError(thrown)).toBe(true);
  });
});
