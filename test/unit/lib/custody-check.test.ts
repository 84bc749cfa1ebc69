import { compareCustody, siteKey } from '../../../lib/custody-check';
import { MEMBER_ACCOUNT } from '../../helpers/constants';
import {
  CUSTODY_NOW,
  custodyDevice,
  fidoSerial,
  keptApart,
  liveDevice,
  totpSerial,
  virtualSerial,
} from '../../helpers/mfa-devices';

const opts = { maxDaysSinceCustodyCheck: 180 };
const primary = fidoSerial(MEMBER_ACCOUNT, 'primary');
const backup = fidoSerial(MEMBER_ACCOUNT, 'backup');

describe('compareCustody', () => {
  it('finds nothing when the register and root agree and the keys are kept apart', () => {
    // Prepare
    const live = [liveDevice(primary), liveDevice(backup)];

    // Act
    const findings = compareCustody(keptApart(MEMBER_ACCOUNT), live, CUSTODY_NOW, opts);

    // Assess
    expect(findings).toEqual([]);
  });

  it('reports a hardware key on root that the register does not list', () => {
    const planted = fidoSerial(MEMBER_ACCOUNT, 'planted');
    const live = [liveDevice(primary), liveDevice(backup), liveDevice(planted)];

    const findings = compareCustody(keptApart(MEMBER_ACCOUNT), live, CUSTODY_NOW, opts);

    expect(findings).toEqual([expect.objectContaining({ kind: 'unknown-device', serialNumber: planted })]);
  });

  it('reports every hardware device as unknown when the register does not list the account', () => {
    const live = [liveDevice(primary), liveDevice(totpSerial(1))];

    const findings = compareCustody(undefined, live, CUSTODY_NOW, opts);

    expect(findings.map((f) => [f.kind, f.serialNumber])).toEqual([
      ['unknown-device', primary],
      ['unknown-device', totpSerial(1)],
    ]);
  });

  it('reports a device the register records as lost that is still on root', () => {
    const account = keptApart(MEMBER_ACCOUNT);
    account.devices.push(custodyDevice(totpSerial(2), 'Home drawer', { status: 'lost' }));
    const live = [liveDevice(primary), liveDevice(backup), liveDevice(totpSerial(2))];

    const findings = compareCustody(account, live, CUSTODY_NOW, opts);

    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'unknown-device',
        serialNumber: totpSerial(2),
        detail: expect.stringContaining('records it as lost'),
      }),
    ]);
  });

  it('reports a device with an unreadable serial as unknown, never as registered hardware', () => {
    const live = [liveDevice(primary), liveDevice(backup), liveDevice('arn:aws:iam::222222222222:sms-mfa/x')];

    const findings = compareCustody(keptApart(MEMBER_ACCOUNT), live, CUSTODY_NOW, opts);

    expect(findings.map((f) => f.kind)).toEqual(['unknown-device']);
  });

  it('leaves virtual devices to the rule parameter', () => {
    const live = [liveDevice(primary), liveDevice(backup), liveDevice(virtualSerial(MEMBER_ACCOUNT))];

    expect(compareCustody(keptApart(MEMBER_ACCOUNT), live, CUSTODY_NOW, opts)).toEqual([]);
  });

  it('reports an active register entry whose device is no longer on root', () => {
    const live = [liveDevice(primary)];

    const findings = compareCustody(keptApart(MEMBER_ACCOUNT), live, CUSTODY_NOW, opts);

    expect(findings).toEqual([
      expect.objectContaining({ kind: 'missing-device', serialNumber: backup, site: 'Dublin bank vault' }),
    ]);
  });

  it('ignores retired and lost entries that are gone from root', () => {
    const account = keptApart(MEMBER_ACCOUNT);
    account.devices.push(custodyDevice(totpSerial(3), 'Old office', { status: 'retired' }));

    const findings = compareCustody(account, [liveDevice(primary), liveDevice(backup)], CUSTODY_NOW, opts);

    expect(findings).toEqual([]);
  });

  it('reports primary and backup kept at the same site, whatever the spelling', () => {
    const account = {
      accountId: MEMBER_ACCOUNT,
      devices: [
        custodyDevice(primary, 'Frankfurt office safe'),
        custodyDevice(backup, '  frankfurt   Office safe '),
      ],
    };

    const findings = compareCustody(account, [liveDevice(primary), liveDevice(backup)], CUSTODY_NOW, opts);

    expect(findings).toEqual([expect.objectContaining({ kind: 'same-site', site: 'Frankfurt office safe' })]);
  });

  it('accepts a third key at the primary site while the backup is elsewhere', () => {
    const third = fidoSerial(MEMBER_ACCOUNT, 'third');
    const account = keptApart(MEMBER_ACCOUNT);
    account.devices.push(custodyDevice(third, 'Frankfurt office safe'));

    const live = [liveDevice(primary), liveDevice(backup), liveDevice(third)];

    expect(compareCustody(account, live, CUSTODY_NOW, opts)).toEqual([]);
  });

  it('reports a custody check older than the limit, and one dated in the future', () => {
    const account = {
      accountId: MEMBER_ACCOUNT,
      devices: [
        custodyDevice(primary, 'Frankfurt office safe', { lastCustodyCheck: '2026-01-01' }),
        custodyDevice(backup, 'Dublin bank vault', { lastCustodyCheck: '2027-01-01' }),
      ],
    };

    const findings = compareCustody(account, [liveDevice(primary), liveDevice(backup)], CUSTODY_NOW, opts);

    expect(findings).toEqual([
      expect.objectContaining({
        kind: 'stale-custody-check',
        serialNumber: primary,
        detail: expect.stringContaining('323 days old (limit 180)'),
      }),
      expect.objectContaining({
        kind: 'stale-custody-check',
        serialNumber: backup,
        detail: expect.stringContaining('in the future'),
      }),
    ]);
  });

  it('accepts a custody check exactly at the limit', () => {
    const findings = compareCustody(
      keptApart(MEMBER_ACCOUNT),
      [liveDevice(primary), liveDevice(backup)],
      CUSTODY_NOW,
      { maxDaysSinceCustodyCheck: 30 },
    );

    expect(findings).toEqual([]);
  });

  it('compares sites trimmed, case- and space-insensitive', () => {
    expect(siteKey('  Dublin\tBank  VAULT ')).toBe('dublin bank vault');
  });
});
