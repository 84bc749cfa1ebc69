/**
 * RootGuard-OpenBreakGlassWindow and its Lambda agree: the document's patterns are the window model's, the
 * approval step is the one the Lambda checks, and the Payload SSM builds is one the Lambda accepts.
 */
import { MAX_WINDOW_MINUTES, REASON_PATTERN, TICKET_ID_PATTERN } from '../../../../lib/break-glass';
import { DEFAULT_DOCUMENT_NAME, FOLDER } from '../../../../remediations/open-break-glass-window/config';
import {
  APPROVAL_STEP,
  openWindowPayloadSchema,
  REQUIRED_APPROVERS,
} from '../../../../remediations/open-break-glass-window/handler';
import { documentUnderTest } from '../document-cases';
import { EXECUTION_ID, TICKET_ID } from './fixtures';

const { doc, parameters, mainSteps, step, payload, payloadReferences, expectPayloadParametersJsonSafe } =
  documentUnderTest(FOLDER);
const pattern = (name: string) => new RegExp(parameters[name]?.allowedPattern as string);

describe('RootGuard-OpenBreakGlassWindow document', () => {
  it('is the document the Lambda accepts executions of', () => {
    expect(doc.name).toBe(DEFAULT_DOCUMENT_NAME);
  });

  it('validates Reason and TicketId exactly as the window model does', () => {
    expect(parameters.Reason?.allowedPattern).toBe(REASON_PATTERN);
    expect(parameters.TicketId?.allowedPattern).toBe(TICKET_ID_PATTERN);
  });

  it(`allows exactly 1..${MAX_WINDOW_MINUTES} DurationMinutes`, () => {
    const allowed = Array.from({ length: 1001 }, (_, i) => i).filter((n) =>
      pattern('DurationMinutes').test(String(n)),
    );
    expect(allowed).toEqual(Array.from({ length: MAX_WINDOW_MINUTES }, (_, i) => i + 1));
  });

  it('starts with an approval two distinct principals must give, aborting on rejection or timeout', () => {
    const approve = mainSteps[0];
    expect(approve?.name).toBe(APPROVAL_STEP);
    expect(approve?.action).toBe('aws:approve');
    expect(approve?.inputs?.MinRequiredApprovals).toBe(REQUIRED_APPROVERS);
    expect(approve?.inputs?.Approvers).toBe('{{ Approvers }}');
    expect(approve?.onFailure).toBe('Abort');
    expect(approve?.timeoutSeconds).toBeLessThanOrEqual(3600);
    // aws:approve takes at most 10 approvers and needs at least MinRequiredApprovals of them.
    expect(parameters.Approvers).toMatchObject({
      type: 'StringList',
      minItems: REQUIRED_APPROVERS,
      maxItems: 10,
    });
  });

  it('tells the approvers what they approve', () => {
    const message = String(step(APPROVAL_STEP)?.inputs?.Message);
    for (const name of ['AccountId', 'TicketId', 'Reason', 'DurationMinutes']) {
      expect(message).toMatch(new RegExp(`\\{\\{ ${name} \\}\\}`));
    }
  });

  it('then records the window through the Lambda, and nothing else', () => {
    expect(mainSteps.map((s) => [s.name, s.action])).toEqual([
      [APPROVAL_STEP, 'aws:approve'],
      ['RecordWindow', 'aws:invokeLambdaFunction'],
    ]);
    expect(step('RecordWindow')).toMatchObject({ onFailure: 'Abort', isEnd: true });
    expect(doc.content.outputs).toEqual(['RecordWindow.Payload']);
  });

  it('builds a Payload the Lambda accepts once SSM substitutes the values', () => {
    const sent = payload('RecordWindow', {
      'automation:EXECUTION_ID': EXECUTION_ID,
      AccountId: '222222222222',
      TicketId: TICKET_ID,
      DurationMinutes: String(parameters.DurationMinutes?.default),
    });
    expect(openWindowPayloadSchema.parse(sent)).toEqual({
      executionId: EXECUTION_ID,
      accountId: '222222222222',
      ticketId: TICKET_ID,
      durationMinutes: 60,
    });
  });

  it('never substitutes free text into the JSON Payload (the Lambda reads Reason from the record)', () => {
    expect(payloadReferences()).not.toContain('Reason');
    // Every value that is substituted is one whose pattern has no room for a quote or a backslash.
    expectPayloadParametersJsonSafe();
  });
});
