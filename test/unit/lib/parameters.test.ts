import { InvalidRuleParametersError } from '../../../lib/errors';
import { parseRuleParameters } from '../../../lib/parameters';
import { loadRuleMetadata, type RuleMetadata } from '../../../lib/rule-metadata';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import { sampleRule } from '../../helpers/sample-rule';

const METADATA: RuleMetadata = loadRuleMetadata(
  sampleRule({
    id: 'sample-rule',
    parameters: [
      {
        name: 'RequireHardware',
        type: 'Boolean',
        default: 'false',
        description: 'Require a hardware device.',
      },
      {
        name: 'MaxAgeDays',
        type: 'Integer',
        default: '90',
        minimum: 1,
        maximum: 365,
        description: 'Largest accepted age in days.',
      },
      {
        name: 'ExemptAccounts',
        type: 'StringList',
        pattern: '^\\d{12}$',
        description: 'Comma-separated account ids to skip.',
      },
      { name: 'Label', type: 'String', description: 'A free-text label for the report.' },
    ],
    remediation: { documentId: 'RootGuard-Sample' },
  }),
);

const REQUIRED_METADATA: RuleMetadata = {
  ...METADATA,
  id: 'required-rule',
  parameters: [
    {
      name: 'PolicyId',
      type: 'String',
      required: true,
      pattern: '^p-[a-z0-9]+$',
      description: 'The SCP id to check.',
    },
  ],
};

const parse = (raw: unknown, metadata: RuleMetadata = METADATA) =>
  parseRuleParameters(metadata, raw, MEMBER_ACCOUNT);

function rejection(raw: unknown, metadata: RuleMetadata = METADATA): InvalidRuleParametersError {
  try {
    parse(raw, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRuleParametersError);
    return error as InvalidRuleParametersError;
  }
  throw new Error('expected parseRuleParameters to throw');
}

describe('parseRuleParameters', () => {
  describe('defaults', () => {
    it('applies every default when no parameters are given', () => {
      expect(parse({})).toEqual({
        RequireHardware: false,
        MaxAgeDays: 90,
        ExemptAccounts: undefined,
        Label: undefined,
        ExecutionRoleName: undefined,
      });
    });

    it.each([
      ['undefined', undefined],
      ['null', null],
    ])('treats %s input as no parameters', (_label, raw) => {
      expect(parse(raw)).toMatchObject({ RequireHardware: false, MaxAgeDays: 90 });
    });

    it('includes the common ExecutionRoleName parameter in the result', () => {
      expect(parse({})).toHaveProperty('ExecutionRoleName', undefined);
    });
  });

  describe('Boolean', () => {
    it.each([
      ['true', true],
      ['false', false],
      ['TRUE', true],
      ['False', false],
      [' true ', true],
    ])('reads %j as %s', (value, expected) => {
      expect(parse({ RequireHardware: value }).RequireHardware).toBe(expected);
    });

    it('accepts a JSON boolean', () => {
      expect(parse({ RequireHardware: true }).RequireHardware).toBe(true);
    });

    it('rejects "yes", naming the parameter and the accepted values', () => {
      const error = rejection({ RequireHardware: 'yes' });

      expect(error.message).toBe(
        'Invalid rule parameters for sample-rule: RequireHardware="yes": expected true or false',
      );
      expect(error.accountId).toBe(MEMBER_ACCOUNT);
    });
  });

  describe('Integer', () => {
    it('reads a whole number given as a string', () => {
      expect(parse({ MaxAgeDays: '30' }).MaxAgeDays).toBe(30);
    });

    it('accepts a JSON number', () => {
      expect(parse({ MaxAgeDays: 45 }).MaxAgeDays).toBe(45);
    });

    it('accepts the minimum and the maximum themselves', () => {
      expect(parse({ MaxAgeDays: '1' }).MaxAgeDays).toBe(1);
      expect(parse({ MaxAgeDays: '365' }).MaxAgeDays).toBe(365);
    });

    it('rejects a value below the minimum', () => {
      expect(rejection({ MaxAgeDays: '0' }).message).toMatch(/MaxAgeDays="0": .*1/);
    });

    it('rejects a value above the maximum', () => {
      expect(rejection({ MaxAgeDays: '366' }).message).toMatch(/MaxAgeDays="366": .*365/);
    });

    it.each(['1.5', 'ninety', '90d', '1e2'])('rejects %j as not a whole number', (value) => {
      expect(rejection({ MaxAgeDays: value }).message).toMatch(/MaxAgeDays=.*expected a whole number/);
    });
  });

  describe('StringList', () => {
    it('splits on commas and trims each item', () => {
      expect(
        parse({ ExemptAccounts: ` ${MEMBER_ACCOUNT} , 333333333333,444444444444 ` }).ExemptAccounts,
      ).toEqual([MEMBER_ACCOUNT, '333333333333', '444444444444']);
    });

    it('drops empty items', () => {
      expect(parse({ ExemptAccounts: `${MEMBER_ACCOUNT},, ,` }).ExemptAccounts).toEqual([MEMBER_ACCOUNT]);
    });

    it('reads a single value as a one-item list', () => {
      expect(parse({ ExemptAccounts: MEMBER_ACCOUNT }).ExemptAccounts).toEqual([MEMBER_ACCOUNT]);
    });

    it('rejects a list with an item that does not match the pattern', () => {
      const error = rejection({ ExemptAccounts: `${MEMBER_ACCOUNT},12345` });

      expect(error.message).toMatch(/ExemptAccounts=.*every item must match \^\\d\{12\}\$/);
    });
  });

  describe('String', () => {
    it('keeps a string value, trimmed', () => {
      expect(parse({ Label: '  production  ' }).Label).toBe('production');
    });
  });

  describe('blank values', () => {
    it.each([
      ['an empty string', ''],
      ['whitespace', '   '],
      ['null', null],
    ])('treats %s as absent and applies the default', (_label, value) => {
      expect(parse({ RequireHardware: value, MaxAgeDays: value })).toMatchObject({
        RequireHardware: false,
        MaxAgeDays: 90,
      });
    });

    it('leaves a blank parameter without a default undefined', () => {
      expect(parse({ ExemptAccounts: '', Label: ' ' })).toMatchObject({
        ExemptAccounts: undefined,
        Label: undefined,
      });
    });
  });

  describe('unknown names', () => {
    it('rejects an unknown parameter, naming it and every accepted name', () => {
      const error = rejection({ MaxAge: '30' });

      expect(error.message).toBe(
        'Invalid rule parameters for sample-rule: unknown parameter(s) MaxAge; accepted: RequireHardware, MaxAgeDays, ExemptAccounts, Label, ExecutionRoleName',
      );
    });

    it('rejects names that differ only in case', () => {
      expect(rejection({ requirehardware: 'true' }).message).toMatch(
        /unknown parameter\(s\) requirehardware/,
      );
    });

    it('lists every unknown parameter', () => {
      expect(rejection({ Foo: '1', Bar: '2' }).message).toMatch(/unknown parameter\(s\) Foo, Bar;/);
    });
  });

  describe('required parameters', () => {
    it('rejects a missing required parameter, naming it', () => {
      expect(rejection({}, REQUIRED_METADATA).message).toBe(
        'Invalid rule parameters for required-rule: PolicyId is required',
      );
    });

    it('rejects a blank required parameter', () => {
      expect(rejection({ PolicyId: ' ' }, REQUIRED_METADATA).message).toMatch(/PolicyId is required/);
    });

    it('accepts a required parameter that is given and matches its pattern', () => {
      expect(parse({ PolicyId: 'p-abc123' }, REQUIRED_METADATA)).toEqual({
        PolicyId: 'p-abc123',
        ExecutionRoleName: undefined,
      });
    });

    it('rejects a String that does not match its pattern', () => {
      expect(rejection({ PolicyId: 'FullAWSAccess' }, REQUIRED_METADATA).message).toMatch(
        /PolicyId="FullAWSAccess": must match/,
      );
    });
  });

  describe('input shape', () => {
    it.each([
      ['a string', 'RequireHardware=true'],
      ['a number', 42],
      ['an array', [{ RequireHardware: 'true' }]],
      ['a boolean', true],
    ])('rejects %s as not a JSON object', (_label, raw) => {
      expect(rejection(raw).message).toBe(
        'Invalid rule parameters for sample-rule: ruleParameters must be a JSON object',
      );
    });

    it('rejects a value that is neither string, number nor boolean', () => {
      expect(rejection({ Label: { nested: true } }).message).toMatch(/Label=\{"nested":true\}/);
    });
  });

  describe('ExecutionRoleName (common parameter)', () => {
    it.each(['RootGuardExecutionRole', 'rootguard+exec=role,v1.2@team-a', 'a'.repeat(64)])(
      'accepts the IAM role name %s',
      (name) => {
        expect(parse({ ExecutionRoleName: name }).ExecutionRoleName).toBe(name);
      },
    );

    it.each([
      ['a path', 'service-role/RootGuard'],
      ['a space', 'Root Guard'],
      ['65 characters', 'a'.repeat(65)],
      ['a full ARN', `arn:aws:iam::${MEMBER_ACCOUNT}:role/RootGuard`],
    ])('rejects a role name with %s', (_label, name) => {
      expect(rejection({ ExecutionRoleName: name }).message).toMatch(/ExecutionRoleName=.*must match/);
    });

    it('treats a blank ExecutionRoleName as single-account mode', () => {
      expect(parse({ ExecutionRoleName: '' }).ExecutionRoleName).toBeUndefined();
    });
  });
});
