import * as z from 'zod';
import { InvalidStepPayloadError } from '../../../../remediations/lib/errors';
import {
  booleanField,
  executionIdField,
  integerField,
  parseStepPayload,
} from '../../../../remediations/lib/step-payload';

describe('integerField', () => {
  const minutes = integerField(1, 240);

  it.each([
    ['1', 1],
    ['240', 240],
    [90, 90],
  ])('reads %p as %p', (input, expected) => {
    expect(minutes.parse(input)).toBe(expected);
  });

  it.each(['0', '241', '', ' 90', '9e1', '-1', '1.5', 1.5, null])('refuses %p', (input) => {
    expect(minutes.safeParse(input).success).toBe(false);
  });
});

describe('booleanField', () => {
  it.each([
    ['true', true],
    ['false', false],
    [true, true],
  ])('reads %p as %p', (input, expected) => {
    expect(booleanField.parse(input)).toBe(expected);
  });

  it.each(['True', 'yes', '1', ''])('refuses %p', (input) => {
    expect(booleanField.safeParse(input).success).toBe(false);
  });
});

describe('executionIdField', () => {
  it('accepts an Automation execution id and refuses an unsubstituted variable', () => {
    expect(executionIdField.safeParse('4105a4fc-f944-11e6-9d32-0123456789ab').success).toBe(true);
    expect(executionIdField.safeParse('{{automation:EXECUTION_ID}}').success).toBe(false);
  });
});

describe('parseStepPayload', () => {
  const schema = z.object({
    accountId: z.string().regex(/^\d{12}$/, 'expected an account id'),
    dryRun: booleanField,
  });

  it('returns the typed payload', () => {
    expect(parseStepPayload(schema, { accountId: '222222222222', dryRun: 'true' }, 'Doc Step')).toEqual({
      accountId: '222222222222',
      dryRun: true,
    });
  });

  it('lists every bad field with the step name, never the values', () => {
    let error: unknown;
    try {
      parseStepPayload(schema, { accountId: 'hunter2' }, 'Doc Step');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidStepPayloadError);
    const typed = error as InvalidStepPayloadError;
    expect(typed.message).toMatch(
      /^Doc Step: the step payload is invalid \(accountId: expected an account id; dryRun: /,
    );
    expect(typed.message).not.toContain('hunter2');
    expect(typed.issues.map((i) => i.path)).toEqual(['accountId', 'dryRun']);
  });

  it('names the payload itself when it is not an object', () => {
    expect(() => parseStepPayload(schema, 'text', 'Doc Step')).toThrow(/\(\(payload\): /);
  });
});
