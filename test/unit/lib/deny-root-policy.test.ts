import {
  analyzeDenyRootPolicy,
  CANONICAL_DENY_ROOT_POLICY,
  wildcardMatch,
} from '../../../lib/deny-root-policy';
import type { Partition } from '../../../lib/partition';
import { MEMBER_ACCOUNT, rootArn } from '../../helpers/constants';

type Statement = Record<string, unknown>;

const policy = (statement: Statement | Statement[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement });

const analyze = (content: string, partition: Partition = 'aws') =>
  analyzeDenyRootPolicy(content, partition, MEMBER_ACCOUNT);

const denyAllTo = (condition: Record<string, unknown> | undefined, extra: Statement = {}): Statement => ({
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
  ...(condition === undefined ? {} : { Condition: condition }),
  ...extra,
});

const ROOT_PATTERN = { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } };

describe('analyzeDenyRootPolicy', () => {
  describe('policies that deny every action to root', () => {
    it('accepts the canonical rootguard policy', () => {
      expect(analyze(JSON.stringify(CANONICAL_DENY_ROOT_POLICY))).toEqual({
        denies: true,
        reason: 'denies all actions to the root user',
      });
    });

    it('accepts the older StringLike variant', () => {
      expect(
        analyze(policy([denyAllTo({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } })])),
      ).toEqual({
        denies: true,
        reason: 'denies all actions to the root user',
      });
    });

    it("accepts an ArnLike naming the account's own root ARN", () => {
      expect(
        analyze(policy([denyAllTo({ ArnLike: { 'aws:PrincipalArn': rootArn(MEMBER_ACCOUNT) } })])).denies,
      ).toBe(true);
    });

    it('accepts ArnEquals with the exact root ARN', () => {
      expect(
        analyze(policy([denyAllTo({ ArnEquals: { 'aws:PrincipalArn': rootArn(MEMBER_ACCOUNT) } })])).denies,
      ).toBe(true);
    });

    it('accepts StringEquals with the exact root ARN', () => {
      expect(
        analyze(policy([denyAllTo({ StringEquals: { 'aws:PrincipalArn': rootArn(MEMBER_ACCOUNT) } })]))
          .denies,
      ).toBe(true);
    });

    it('does not treat StringEquals with a wildcard as matching root (no wildcards in StringEquals)', () => {
      const verdict = analyze(
        policy([denyAllTo({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } })]),
      );

      expect(verdict).toMatchObject({ denies: false, partial: false });
    });

    it('accepts a condition key written in another case (condition keys are case-insensitive)', () => {
      expect(
        analyze(policy([denyAllTo({ ArnLike: { 'AWS:PrincipalARN': 'arn:aws:iam::*:root' } })])).denies,
      ).toBe(true);
    });

    it('accepts a PrincipalArn list in which one value matches root', () => {
      const condition = {
        ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/Breakglass', 'arn:aws:iam::*:root'] },
      };

      expect(analyze(policy([denyAllTo(condition)])).denies).toBe(true);
    });

    it("accepts an Action array containing '*'", () => {
      expect(analyze(policy([denyAllTo(ROOT_PATTERN, { Action: ['iam:*', '*'] })])).denies).toBe(true);
    });

    it('accepts a Statement given as a single object rather than an array', () => {
      expect(analyze(policy(denyAllTo(ROOT_PATTERN))).denies).toBe(true);
    });

    it('accepts a Null aws:AssumedRoot exemption alongside the root match', () => {
      const condition = { ...ROOT_PATTERN, Null: { 'aws:AssumedRoot': 'true' } };

      expect(analyze(policy([denyAllTo(condition)]))).toEqual({
        denies: true,
        reason: 'denies all actions to the root user',
      });
    });

    it('accepts a deny-root statement that follows unrelated statements', () => {
      const content = policy([
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' },
        denyAllTo(ROOT_PATTERN),
      ]);

      expect(analyze(content).denies).toBe(true);
    });

    it('accepts a condition-less Deny * on * because it denies everyone, root included', () => {
      expect(analyze(policy([denyAllTo(undefined)]))).toEqual({
        denies: true,
        reason: 'denies every principal, the root user included',
      });
    });

    it.each(['aws-cn', 'aws-us-gov'] as const)(
      'accepts a %s root pattern evaluated in that partition',
      (partition) => {
        const content = policy([
          denyAllTo({ ArnLike: { 'aws:PrincipalArn': `arn:${partition}:iam::*:root` } }),
        ]);

        expect(analyze(content, partition).denies).toBe(true);
      },
    );
  });

  describe('statements that target root but are too narrow', () => {
    it("reports a deny of only some actions (Action ['iam:*','ec2:*']) as partial, naming them", () => {
      expect(analyze(policy([denyAllTo(ROOT_PATTERN, { Action: ['iam:*', 'ec2:*'] })]))).toEqual({
        denies: false,
        partial: true,
        reason: 'denies only iam:*, ec2:* to root',
      });
    });

    it('reports an extra narrowing condition (StringEquals aws:RequestedRegion) as partial and says it is narrowed', () => {
      const condition = { ...ROOT_PATTERN, StringEquals: { 'aws:RequestedRegion': 'us-east-1' } };

      const verdict = analyze(policy([denyAllTo(condition)]));

      expect(verdict.denies).toBe(false);
      expect(verdict).toMatchObject({ partial: true });
      expect(verdict.reason).toBe(
        'targets root but it is narrowed by other conditions (StringEquals aws:RequestedRegion)',
      );
    });

    it('reports a Null aws:AssumedRoot other than "true" as a narrowing condition', () => {
      const condition = { ...ROOT_PATTERN, Null: { 'aws:AssumedRoot': 'false' } };

      expect(analyze(policy([denyAllTo(condition)]))).toMatchObject({ denies: false, partial: true });
    });

    it('reports NotAction as not covering all actions', () => {
      const statement: Statement = {
        Effect: 'Deny',
        NotAction: ['iam:ChangePassword'],
        Resource: '*',
        Condition: ROOT_PATTERN,
      };

      expect(analyze(policy([statement]))).toEqual({
        denies: false,
        partial: true,
        reason: 'uses NotAction to root',
      });
    });

    it("reports NotAction alongside Action '*' as not covering all actions", () => {
      expect(analyze(policy([denyAllTo(ROOT_PATTERN, { NotAction: 'sts:*' })]))).toMatchObject({
        denies: false,
        partial: true,
      });
    });

    it('reports a deny on only some resources as partial', () => {
      expect(analyze(policy([denyAllTo(ROOT_PATTERN, { Resource: 'arn:aws:s3:::bucket/*' })]))).toEqual({
        denies: false,
        partial: true,
        reason: 'denies root on only some resources',
      });
    });

    it('joins the reasons of several partial statements', () => {
      const content = policy([
        denyAllTo(ROOT_PATTERN, { Action: 'iam:*' }),
        denyAllTo(ROOT_PATTERN, { Resource: 'arn:aws:s3:::bucket/*' }),
      ]);

      expect(analyze(content).reason).toBe('denies only iam:* to root; denies root on only some resources');
    });
  });

  describe('policies that do not deny root', () => {
    it('ignores Allow statements', () => {
      const content = policy([{ Effect: 'Allow', Action: '*', Resource: '*', Condition: ROOT_PATTERN }]);

      expect(analyze(content)).toEqual({
        denies: false,
        partial: false,
        reason: 'has no statement that denies the root user',
      });
    });

    it('rejects content that is not valid JSON', () => {
      expect(analyze('{"Version": "2012-10-17", "Statement": [')).toEqual({
        denies: false,
        partial: false,
        reason: 'is not valid JSON',
      });
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"Deny"'],
      ['null', 'null'],
    ])('rejects JSON that is %s as not a policy document', (_label, content) => {
      expect(analyze(content)).toEqual({ denies: false, partial: false, reason: 'is not a policy document' });
    });

    it('does not match an aws-cn root pattern when evaluating the aws partition', () => {
      const content = policy([denyAllTo({ ArnLike: { 'aws:PrincipalArn': 'arn:aws-cn:iam::*:root' } })]);

      expect(analyze(content, 'aws')).toMatchObject({ denies: false, partial: false });
    });

    it('does not match the aws root pattern when evaluating the aws-us-gov partition', () => {
      expect(analyze(policy([denyAllTo(ROOT_PATTERN)]), 'aws-us-gov')).toMatchObject({ denies: false });
    });

    it('does not treat a role PrincipalArn pattern (arn:aws:iam::*:role/*) as targeting root', () => {
      const content = policy([denyAllTo({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } })]);

      expect(analyze(content)).toEqual({
        denies: false,
        partial: false,
        reason: 'has no statement that denies the root user',
      });
    });

    it("does not treat another account's root ARN as targeting this account's root", () => {
      const content = policy([denyAllTo({ ArnEquals: { 'aws:PrincipalArn': rootArn('333333333333') } })]);

      expect(analyze(content).denies).toBe(false);
    });

    it('does not treat a substring match such as *root* on a user ARN as the root ARN rule', () => {
      const content = policy([denyAllTo({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/root*' } })]);

      expect(analyze(content).denies).toBe(false);
    });

    it('does not treat ArnNotLike aws:PrincipalArn as targeting root', () => {
      const content = policy([denyAllTo({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:root' } })]);

      expect(analyze(content)).toMatchObject({ denies: false, partial: false });
    });

    it('does not accept a condition on an unrelated key', () => {
      const content = policy([denyAllTo({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })]);

      expect(analyze(content)).toMatchObject({ denies: false, partial: false });
    });

    it('does not accept an unreadable Condition', () => {
      expect(analyze(policy([denyAllTo({ ArnLike: 'arn:aws:iam::*:root' })])).denies).toBe(false);
    });

    it('reports a policy without statements as denying nothing', () => {
      expect(analyze(JSON.stringify({ Version: '2012-10-17' }))).toEqual({
        denies: false,
        partial: false,
        reason: 'has no statement that denies the root user',
      });
    });
  });
});

describe('wildcardMatch', () => {
  const ROOT = 'arn:aws:iam::222222222222:root';
  type Case = [pattern: string, value: string, matches: boolean];

  it.each<[string, Case[]]>([
    [
      'matches a literal value exactly',
      [
        [ROOT, ROOT, true],
        [ROOT, `${ROOT}2`, false],
      ],
    ],
    [
      'lets * match any run of characters, including none',
      [
        ['arn:aws:iam::*:root', ROOT, true],
        ['a*b', 'ab', true],
      ],
    ],
    [
      'lets ? match exactly one character',
      [
        ['ro?t', 'root', true],
        ['ro?t', 'rot', false],
      ],
    ],
    [
      'anchors the pattern at both ends',
      [
        ['iam::*:root', ROOT, false],
        ['arn:aws:iam::*:root', `${ROOT}-admin`, false],
      ],
    ],
    [
      'treats regular-expression characters literally',
      [
        ['a.b', 'axb', false],
        ['a+(b)', 'a+(b)', true],
        ['[ab]', 'a', false],
      ],
    ],
    ['is case-sensitive', [['arn:aws:iam::*:ROOT', ROOT, false]]],
  ])('%s', (_name, cases) => {
    for (const [pattern, value, matches] of cases) {
      expect(wildcardMatch(pattern, value)).toBe(matches);
    }
  });
});

describe('ARN condition operators', () => {
  const denyAllWith = (operator: string, value: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { [operator]: { 'aws:PrincipalArn': value } },
        },
      ],
    });

  it('treats ArnEquals with a wildcard like ArnLike (AWS documents them as the same operator)', () => {
    expect(
      analyzeDenyRootPolicy(denyAllWith('ArnEquals', 'arn:aws:iam::*:root'), 'aws', '222222222222').denies,
    ).toBe(true);
  });

  it.each(['arn:aws:iam::*', 'arn:*:root', 'arn:aws:*'])(
    'does not let an ARN wildcard span colons (%s has fewer than six parts)',
    (pattern) => {
      expect(analyzeDenyRootPolicy(denyAllWith('ArnLike', pattern), 'aws', '222222222222').denies).toBe(
        false,
      );
    },
  );

  it('lets a StringLike wildcard span colons', () => {
    expect(
      analyzeDenyRootPolicy(denyAllWith('StringLike', 'arn:aws:*:root'), 'aws', '222222222222').denies,
    ).toBe(true);
  });
});
