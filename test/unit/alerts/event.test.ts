import { InvalidAlertEventError } from '../../../alerts/root-activity/errors';
import { eventSummary, parseRootActivityEvent } from '../../../alerts/root-activity/event';
import { ALERTING_EVENTS, loadEvent, NON_ALERTING_EVENTS } from '../../helpers/root-activity-events';

describe('parseRootActivityEvent', () => {
  it.each([...ALERTING_EVENTS, ...NON_ALERTING_EVENTS])('accepts the real-shaped %s event', (name) => {
    const result = parseRootActivityEvent(loadEvent(name));

    expect(result.ok).toBe(true);
  });

  it('keeps fields it does not check (passthrough)', () => {
    const result = parseRootActivityEvent(loadEvent('root-console-signin-success'));

    expect(result.ok && result.event.detail.tlsDetails).toEqual(
      expect.objectContaining({ tlsVersion: 'TLSv1.3' }),
    );
  });

  it('accepts an event without the envelope account (the detail names it)', () => {
    const { account: _dropped, ...event } = loadEvent('root-api-call');

    expect(parseRootActivityEvent(event).ok).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'ConsoleLogin'],
    ['an empty object', {}],
  ])('returns an InvalidAlertEventError for %s', (_label, raw) => {
    const result = parseRootActivityEvent(raw);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(InvalidAlertEventError);
  });

  it('names the missing field without repeating any value of the event', () => {
    const event = loadEvent('root-console-signin-success');
    const detail: Record<string, unknown> = event.detail;
    delete detail.eventTime;
    detail.sourceIPAddress = 42;

    const result = parseRootActivityEvent(event);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((i) => i.path)).toEqual(['detail.eventTime', 'detail.sourceIPAddress']);
    expect(result.error.message).toContain('detail.eventTime');
    expect(result.error.message).not.toContain('198.51.100.23');
  });

  it('rejects an event that names no account anywhere', () => {
    const event = loadEvent('root-api-call');
    delete event.account;
    delete event.detail.recipientAccountId;
    delete (event.detail.userIdentity as Record<string, unknown>).accountId;

    const result = parseRootActivityEvent(event);

    expect(!result.ok && result.error.message).toContain('no account id');
  });

  it('rejects an eventTime that is not ISO-8601', () => {
    const event = loadEvent('root-api-call');
    event.detail.eventTime = 'Nov 20, 2026 9:16:29 AM';

    expect(parseRootActivityEvent(event).ok).toBe(false);
  });
});

describe('eventSummary', () => {
  it('returns only the envelope id and detail-type', () => {
    expect(eventSummary(loadEvent('root-api-call'))).toEqual({
      id: 'e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b',
      detailType: 'AWS API Call via CloudTrail',
    });
  });

  it('returns nothing for a value that is not an object, and cuts long strings', () => {
    expect(eventSummary('x')).toEqual({});
    expect(eventSummary({ id: 'a'.repeat(1000), 'detail-type': 7 }).id).toHaveLength(128);
  });
});
