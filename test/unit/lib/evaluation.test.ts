import {
  ACCOUNT_RESOURCE_TYPE,
  compliant,
  formatAnnotation,
  MAX_ANNOTATION_LENGTH,
  nonCompliant,
  notApplicable,
  truncateAnnotation,
} from '../../../lib/evaluation';
import { MEMBER_ACCOUNT } from '../../helpers/constants';

describe('formatAnnotation', () => {
  it('names the account and gives the reason, ending with a period', () => {
    expect(formatAnnotation(MEMBER_ACCOUNT, 'root has no access keys')).toBe(
      `Account ${MEMBER_ACCOUNT}: root has no access keys.`,
    );
  });

  it('does not double a trailing period', () => {
    expect(formatAnnotation(MEMBER_ACCOUNT, 'root has no access keys.')).toBe(
      `Account ${MEMBER_ACCOUNT}: root has no access keys.`,
    );
  });

  it.each(['!', '?'])('keeps a reason that already ends with %s as it is', (mark) => {
    expect(formatAnnotation(MEMBER_ACCOUNT, `root signed in${mark}`)).toBe(
      `Account ${MEMBER_ACCOUNT}: root signed in${mark}`,
    );
  });

  it('trims surrounding whitespace from the reason before adding the period', () => {
    expect(formatAnnotation(MEMBER_ACCOUNT, '  root has MFA  \n')).toBe(
      `Account ${MEMBER_ACCOUNT}: root has MFA.`,
    );
  });
});

describe('truncateAnnotation', () => {
  it('leaves an annotation within the limit untouched', () => {
    const annotation = formatAnnotation(MEMBER_ACCOUNT, 'short reason');

    expect(truncateAnnotation(annotation)).toBe(annotation);
  });

  it('leaves an annotation of exactly 256 characters untouched', () => {
    const annotation = `${'x'.repeat(MAX_ANNOTATION_LENGTH - 1)}.`;

    expect(truncateAnnotation(annotation)).toBe(annotation);
  });

  it('cuts a long annotation to 256 characters, keeping the account prefix and ending with a period', () => {
    const annotation = formatAnnotation(MEMBER_ACCOUNT, `root has findings: ${'finding, '.repeat(60)}`);
    expect(annotation.length).toBeGreaterThan(MAX_ANNOTATION_LENGTH);

    const truncated = truncateAnnotation(annotation);

    expect(MAX_ANNOTATION_LENGTH).toBe(256);
    expect(truncated.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(truncated.startsWith(`Account ${MEMBER_ACCOUNT}: root has findings:`)).toBe(true);
    expect(truncated.endsWith('....')).toBe(true);
  });

  it('drops trailing whitespace at the cut before the ellipsis', () => {
    const annotation = `${'a'.repeat(251)} ${'b'.repeat(20)}`;

    expect(truncateAnnotation(annotation)).toBe(`${'a'.repeat(251)}....`);
  });

  it('honours a custom limit', () => {
    expect(truncateAnnotation('abcdefghijklmnop', 10)).toBe('abcdef....');
  });
});

describe('evaluation builders', () => {
  it.each([
    ['compliant', compliant, 'COMPLIANT'],
    ['nonCompliant', nonCompliant, 'NON_COMPLIANT'],
    ['notApplicable', notApplicable, 'NOT_APPLICABLE'],
  ] as const)(
    '%s reports the account resource with a formatted annotation',
    (_name, build, complianceType) => {
      expect(build(MEMBER_ACCOUNT, 'the reason')).toEqual({
        complianceResourceType: ACCOUNT_RESOURCE_TYPE,
        complianceResourceId: MEMBER_ACCOUNT,
        complianceType,
        annotation: `Account ${MEMBER_ACCOUNT}: the reason.`,
      });
    },
  );

  it('reports the AWS::::Account resource type', () => {
    expect(ACCOUNT_RESOURCE_TYPE).toBe('AWS::::Account');
  });
});
