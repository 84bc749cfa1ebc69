import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEventPatternError, matchesEventPattern } from '../../../lib/event-pattern';

const ROOT_DIR = join(__dirname, '..', '..', '..');
const readJson = (...path: string[]): unknown => JSON.parse(readFileSync(join(ROOT_DIR, ...path), 'utf8'));

/** A small EC2-style event in the shape EventBridge delivers. */
const EC2_EVENT = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: [
    'arn:aws:autoscaling:us-west-1:111122223333:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
    'arn:aws:ec2:us-west-1:111122223333:instance/i-1234567890abcdef0',
  ],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'running',
    'c-count': 5,
    'x-limit': 301.8,
    enabled: true,
    note: '',
    previous: null,
    'source-ip': '10.0.0.33',
    FileName: 'photo.PNG',
    tags: ['prod', 'web'],
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
  },
};

const matches = (pattern: unknown, event: unknown = EC2_EVENT) => matchesEventPattern(pattern, event);

describe('matchesEventPattern', () => {
  describe('exact values', () => {
    it('matches when every field of the pattern has a matching value', () => {
      expect(matches({ source: ['aws.ec2'], detail: { state: ['running'] } })).toBe(true);
    });

    it('does not match when one field differs (fields are ANDed)', () => {
      expect(matches({ source: ['aws.ec2'], detail: { state: ['stopped'] } })).toBe(false);
    });

    it('matches any of the listed values (values are ORed)', () => {
      expect(matches({ source: ['aws.s3', 'aws.ec2'] })).toBe(true);
    });

    it('compares strings case-sensitively', () => {
      expect(matches({ source: ['AWS.EC2'] })).toBe(false);
    });

    it('matches numbers, booleans, null and the empty string as JSON values', () => {
      expect(matches({ detail: { 'c-count': [5], enabled: [true], previous: [null], note: [''] } })).toBe(
        true,
      );
    });

    it('keeps the empty string and null apart', () => {
      expect(matches({ detail: { note: [null] } })).toBe(false);
      expect(matches({ detail: { previous: [''] } })).toBe(false);
    });

    it('keeps a number and its string apart', () => {
      expect(matches({ detail: { 'c-count': ['5'] } })).toBe(false);
    });

    it('does not match a value against a field the event lacks', () => {
      expect(matches({ detail: { missing: ['x'] } })).toBe(false);
    });

    it('matches the empty pattern object to any event', () => {
      expect(matches({})).toBe(true);
    });

    it('takes the pattern as parsed JSON or as its JSON text', () => {
      expect(matches(JSON.stringify({ source: ['aws.ec2'] }))).toBe(true);
      expect(matches(JSON.stringify({ source: ['aws.s3'] }))).toBe(false);
    });
  });

  describe('arrays in the event', () => {
    it('matches when any element of an event array matches (non-empty intersection)', () => {
      expect(
        matches({ resources: ['arn:aws:ec2:us-west-1:111122223333:instance/i-1234567890abcdef0'] }),
      ).toBe(true);
      expect(matches({ detail: { tags: ['web', 'dev'] } })).toBe(true);
    });

    it('does not match when no element matches', () => {
      expect(matches({ detail: { tags: ['dev'] } })).toBe(false);
    });

    it('matches a value against no element of an empty array', () => {
      expect(matches({ resources: ['x'] }, { resources: [] })).toBe(false);
    });

    it('matches a nested pattern against any object of an event array', () => {
      expect(matches({ detail: { employees: { firstName: ['Anna'] } } })).toBe(true);
    });

    it('keeps array consistency: fields must match within the same element', () => {
      expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } })).toBe(true);
      expect(matches({ detail: { employees: { firstName: ['Anna'], lastName: ['Doe'] } } })).toBe(false);
    });

    it('applies operators to each element of an event array', () => {
      expect(matches({ detail: { tags: [{ prefix: 'we' }] } })).toBe(true);
    });
  });

  describe('nested objects', () => {
    it('matches several levels down', () => {
      const event = {
        detail: { userIdentity: { sessionContext: { attributes: { mfaAuthenticated: 'true' } } } },
      };
      expect(
        matches(
          { detail: { userIdentity: { sessionContext: { attributes: { mfaAuthenticated: ['true'] } } } } },
          event,
        ),
      ).toBe(true);
    });

    it('does not match a nested pattern when the event field is missing or a scalar', () => {
      expect(matches({ detail: { userIdentity: { type: ['Root'] } } }, { detail: {} })).toBe(false);
      expect(
        matches({ detail: { userIdentity: { type: ['Root'] } } }, { detail: { userIdentity: 'Root' } }),
      ).toBe(false);
    });

    it('does not match a value list against an object', () => {
      expect(matches({ detail: ['x'] })).toBe(false);
    });
  });

  describe('prefix', () => {
    it('matches a string that starts with the prefix', () => {
      expect(matches({ time: [{ prefix: '2017-12-22' }] })).toBe(true);
      expect(matches({ region: [{ prefix: 'eu-' }] })).toBe(false);
    });

    it('ignores case with equals-ignore-case', () => {
      expect(matches({ source: [{ prefix: { 'equals-ignore-case': 'AWS.E' } }] })).toBe(true);
      expect(matches({ source: [{ prefix: 'AWS.E' }] })).toBe(false);
    });

    it('only matches string values', () => {
      expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } })).toBe(false);
    });

    it('does not match a missing field', () => {
      expect(matches({ detail: { missing: [{ prefix: '' }] } })).toBe(false);
    });
  });

  describe('suffix', () => {
    it('matches a string that ends with the suffix', () => {
      expect(matches({ 'detail-type': [{ suffix: 'Notification' }] })).toBe(true);
      expect(matches({ detail: { FileName: [{ suffix: '.png' }] } })).toBe(false);
    });

    it('ignores case with equals-ignore-case', () => {
      expect(matches({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } })).toBe(true);
    });
  });

  describe('anything-but', () => {
    it('matches any value except the one given (string or number)', () => {
      expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': 6 }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': 5 }] } })).toBe(false);
    });

    it('matches any value outside a list of strings or numbers', () => {
      expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } })).toBe(true);
      expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ 'anything-but': [4, 5] }] } })).toBe(false);
    });

    it('excludes a prefix or a suffix', () => {
      expect(matches({ source: [{ 'anything-but': { prefix: 'aws.' } }] })).toBe(false);
      expect(matches({ source: [{ 'anything-but': { prefix: 'custom.' } }] })).toBe(true);
      expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } })).toBe(false);
      expect(matches({ detail: { FileName: [{ 'anything-but': { suffix: '.jpg' } }] } })).toBe(true);
    });

    it('excludes values ignoring case, one or a list', () => {
      expect(matches({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } })).toBe(
        false,
      );
      expect(
        matches({
          detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['STOPPED', 'Pending'] } }] },
        }),
      ).toBe(true);
    });

    it('excludes a wildcard', () => {
      expect(matches({ source: [{ 'anything-but': { wildcard: 'aws.*' } }] })).toBe(false);
      expect(matches({ source: [{ 'anything-but': { wildcard: '*.s3' } }] })).toBe(true);
    });

    it('does not match a missing field', () => {
      expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } })).toBe(false);
    });

    it('is what the root API call alert uses to drop AWS service events', () => {
      const pattern = { detail: { eventType: [{ 'anything-but': 'AwsServiceEvent' }] } };
      expect(matches(pattern, { detail: { eventType: 'AwsApiCall' } })).toBe(true);
      expect(matches(pattern, { detail: { eventType: 'AwsServiceEvent' } })).toBe(false);
    });
  });

  describe('numeric', () => {
    it('matches a value inside a range', () => {
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } })).toBe(true);
      expect(matches({ detail: { 'c-count': [{ numeric: ['>', 0, '<', 5] }] } })).toBe(false);
    });

    it('supports each operator', () => {
      const at = (op: string, bound: number) =>
        matches({ detail: { 'c-count': [{ numeric: [op, bound] }] } });
      expect([at('=', 5), at('<', 6), at('<=', 5), at('>', 4), at('>=', 5)]).toEqual([
        true,
        true,
        true,
        true,
        true,
      ]);
      expect([at('=', 4), at('<', 5), at('<=', 4), at('>', 5), at('>=', 6)]).toEqual([
        false,
        false,
        false,
        false,
        false,
      ]);
    });

    it('compares equal numbers however they are written', () => {
      expect(matches({ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } })).toBe(true);
    });

    it('only matches JSON numbers, not numeric strings', () => {
      expect(
        matches({ detail: { 'c-count': [{ numeric: ['=', 5] }] } }, { detail: { 'c-count': '5' } }),
      ).toBe(false);
    });

    it('does not match a missing field', () => {
      expect(matches({ detail: { missing: [{ numeric: ['>', 0] }] } })).toBe(false);
    });
  });

  describe('exists', () => {
    it('matches a present field with true and a missing one with false', () => {
      expect(matches({ detail: { state: [{ exists: true }] } })).toBe(true);
      expect(matches({ detail: { state: [{ exists: false }] } })).toBe(false);
      expect(matches({ detail: { missing: [{ exists: false }] } })).toBe(true);
      expect(matches({ detail: { missing: [{ exists: true }] } })).toBe(false);
    });

    it('treats a field under a missing parent as missing', () => {
      const pattern = { detail: { userIdentity: { invokedBy: [{ exists: false }] } } };
      expect(matches(pattern, { detail: {} })).toBe(true);
      expect(matches(pattern, {})).toBe(true);
    });

    it('counts a field whose value is null as present', () => {
      expect(matches({ detail: { previous: [{ exists: true }] } })).toBe(true);
    });

    it('combines with other alternatives of the same field', () => {
      const pattern = { detail: { state: [{ exists: false }, 'running'] } };
      expect(matches(pattern)).toBe(true);
      expect(matches(pattern, { detail: {} })).toBe(true);
      expect(matches(pattern, { detail: { state: 'stopped' } })).toBe(false);
    });
  });

  describe('equals-ignore-case', () => {
    it('matches a string whatever its case', () => {
      expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] })).toBe(true);
      expect(matches({ source: [{ 'equals-ignore-case': 'aws.ec' }] })).toBe(false);
    });

    it('only matches string values', () => {
      expect(matches({ detail: { 'c-count': [{ 'equals-ignore-case': '5' }] } })).toBe(false);
    });
  });

  describe('wildcard', () => {
    it('lets * match zero, one or many characters', () => {
      expect(matches({ source: [{ wildcard: 'aws.*' }] })).toBe(true);
      expect(matches({ source: [{ wildcard: 'aws.ec2*' }] })).toBe(true);
      expect(matches({ 'detail-type': [{ wildcard: 'EC2*State*Notification' }] })).toBe(true);
      expect(matches({ source: [{ wildcard: 'aws.s*' }] })).toBe(false);
    });

    it('matches the whole value, not a part of it', () => {
      expect(matches({ source: [{ wildcard: 'ec2' }] })).toBe(false);
    });

    it('treats regular-expression characters literally', () => {
      expect(matches({ source: [{ wildcard: 'aws?ec2' }] })).toBe(false);
      expect(matches({ source: [{ wildcard: 'aws.ec.' }] })).toBe(false);
      expect(matches({ a: [{ wildcard: 'a+b(c)*' }] }, { a: 'a+b(c)d' })).toBe(true);
    });
  });

  describe('cidr', () => {
    it('matches an IPv4 address inside the block', () => {
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } })).toBe(true);
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } })).toBe(false);
    });

    it('handles /32 and /0', () => {
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.33/32' }] } })).toBe(true);
      expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.34/32' }] } })).toBe(false);
      expect(matches({ detail: { 'source-ip': [{ cidr: '0.0.0.0/0' }] } })).toBe(true);
    });

    it('does not match a value that is not an IPv4 address', () => {
      expect(matches({ detail: { state: [{ cidr: '0.0.0.0/0' }] } })).toBe(false);
      expect(matches({ detail: { 'c-count': [{ cidr: '0.0.0.0/0' }] } })).toBe(false);
      expect(matches({ a: [{ cidr: '0.0.0.0/0' }] }, { a: '10.0.0.256' })).toBe(false);
    });
  });

  describe('$or', () => {
    it('matches when any branch matches', () => {
      const pattern = {
        source: ['aws.ec2'],
        $or: [{ region: ['eu-west-1'] }, { detail: { state: ['running'] } }],
      };
      expect(matches(pattern)).toBe(true);
    });

    it('does not match when no branch matches, and still ANDs the other fields', () => {
      expect(matches({ $or: [{ region: ['eu-west-1'] }, { detail: { state: ['stopped'] } }] })).toBe(false);
      expect(matches({ source: ['aws.s3'], $or: [{ region: ['us-west-1'] }, { account: ['x'] }] })).toBe(
        false,
      );
    });

    it('works inside a nested object and nested in another $or', () => {
      expect(
        matches({ detail: { $or: [{ state: ['stopped'] }, { 'c-count': [{ numeric: ['>', 1] }] }] } }),
      ).toBe(true);
      expect(
        matches({ $or: [{ $or: [{ region: ['x'] }, { source: ['aws.ec2'] }] }, { account: ['y'] }] }),
      ).toBe(true);
    });
  });

  describe('invalid patterns', () => {
    it.each([
      ['an array', []],
      ['JSON text of a string', '"aws.ec2"'],
      ['null', null],
      ['JSON text of an array', '["aws.ec2"]'],
    ])('rejects %s as the pattern', (_name, pattern) => {
      expect(() => matches(pattern)).toThrow(InvalidEventPatternError);
    });

    it('rejects a field whose value is neither an array nor an object', () => {
      expect(() => matches({ source: 'aws.ec2' })).toThrow(InvalidEventPatternError);
    });

    it('rejects an unknown operator', () => {
      expect(() => matches({ source: [{ contains: 'ec2' }] })).toThrow(
        new InvalidEventPatternError('$.source: unsupported pattern operator contains'),
      );
    });

    it('rejects an unknown anything-but form', () => {
      expect(() => matches({ source: [{ 'anything-but': { contains: 'x' } }] })).toThrow(
        InvalidEventPatternError,
      );
    });

    it('rejects an unknown numeric operator or a bound that is not a number', () => {
      expect(() => matches({ detail: { 'c-count': [{ numeric: ['~', 5] }] } })).toThrow(
        InvalidEventPatternError,
      );
      expect(() => matches({ detail: { 'c-count': [{ numeric: ['>', '5'] }] } })).toThrow(
        InvalidEventPatternError,
      );
    });

    it('rejects $or that does not list objects', () => {
      expect(() => matches({ $or: { source: ['aws.ec2'] } })).toThrow(InvalidEventPatternError);
      expect(() => matches({ $or: [['aws.ec2']] })).toThrow(InvalidEventPatternError);
    });
  });

  /** Behaviours checked against the EventBridge user guide ("Content filtering") and the Event Ruler README. */
  describe('EventBridge edge cases', () => {
    it('rejects pattern text that is not JSON with InvalidEventPatternError', () => {
      expect(() => matches('{"source": [aws.ec2]}')).toThrow(InvalidEventPatternError);
    });

    it('rejects an unknown operator even when an earlier alternative already matched', () => {
      expect(() => matches({ source: ['aws.ec2', { contains: 'ec2' }] })).toThrow(InvalidEventPatternError);
    });

    it('rejects an unknown operator even when an earlier field already failed', () => {
      expect(() => matches({ source: ['aws.s3'], detail: { state: [{ contains: 'run' }] } })).toThrow(
        InvalidEventPatternError,
      );
    });

    it('rejects malformed operands instead of silently not matching (prefix: 5, numeric: [])', () => {
      expect(() => matches({ source: [{ prefix: 5 }] })).toThrow(InvalidEventPatternError);
      expect(() => matches({ detail: { 'c-count': [{ numeric: [] }] } })).toThrow(InvalidEventPatternError);
    });

    it('applies exists only to leaf nodes: exists false matches a field whose value is an object', () => {
      expect(
        matches({ detail: { employees: [{ exists: false }] } }, { detail: { employees: { a: 1 } } }),
      ).toBe(true);
    });

    it('honours \\* in a wildcard as a literal asterisk', () => {
      expect(matches({ a: [{ wildcard: 'a\\*b' }] }, { a: 'a*b' })).toBe(true);
    });

    it('reports an IPv6 cidr as unsupported rather than silently not matching', () => {
      expect(() => matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8::1' })).toThrow(
        InvalidEventPatternError,
      );
    });

    it('crushes multi-level arrays of objects', () => {
      expect(matches({ a: { b: ['x'] } }, { a: [[{ b: 'x' }]] })).toBe(true);
    });
  });
});

describe('alerts/root-activity/patterns.json against the real-shaped events in test/events', () => {
  const patterns = readJson('alerts', 'root-activity', 'patterns.json') as Record<string, unknown>;
  const event = (name: string) => readJson('test', 'events', `${name}.json`);

  const EVENTS = [
    'root-console-signin-success',
    'root-console-signin-failure',
    'iam-user-console-signin',
    'root-api-call',
    'root-assume-root-session-call',
    'root-aws-service-event',
    'root-invoked-by-service',
  ];
  // Each pattern matches exactly the events named here, and none of the others.
  const MATCHED_BY: Record<string, string[]> = {
    rootConsoleSignIn: ['root-console-signin-success', 'root-console-signin-failure'],
    rootApiCall: ['root-api-call', 'root-assume-root-session-call'],
  };

  it.each(
    Object.entries(MATCHED_BY).flatMap(([pattern, matched]) =>
      EVENTS.map((name) => [pattern, name, matched.includes(name)] as const),
    ),
  )('%s on %s → %s', (pattern, name, expected) => {
    expect(matchesEventPattern(patterns[pattern], event(name))).toBe(expected);
  });
});
