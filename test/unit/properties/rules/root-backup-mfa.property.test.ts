import * as fc from 'fast-check';
import type { CustodyAccount } from '../../../../lib/custody-register-types';
import { classifyMfaSerial, MFA_DEVICE_KINDS, type MfaDevice } from '../../../../lib/mfa-device';
import { INVENTORY_UNAVAILABLE_REASONS } from '../../../../lib/root-mfa-inventory-types';
import type { EvaluateContext } from '../../../../lib/rule-handler';
import { evaluate, type RootBackupMfaFacts } from '../../../../rules/root-backup-mfa/evaluate';
import { factsSchema } from '../../../../rules/root-backup-mfa/facts';
import { fidoSerial, totpSerial, virtualSerial } from '../../../helpers/mfa-devices';
import { booleanParameterArb, credentialSummaryArb } from '../../../helpers/rule-arbitraries';
import {
  bindPlaceholders,
  describeRuleProperties,
  isoTimeArb,
  SELF,
  sometimesJunk,
} from '../../../helpers/rule-properties';

const DAY_MS = 86_400_000;
/** `<serial:NAME>`: one of a few devices of the evaluated account (or of another), so live and register meet. */
const SERIAL = '<serial:';
/** `<day:N>`: the calendar day N days before the evaluation time (negative: after it). */
const DAY = '<day:';
/** `<kind>` beside a serial: the kind read from that serial, as the inventory writes it. */
const KIND_OF_SERIAL = '<kind>';
const OTHER_ACCOUNT = '999999999999';

/** A rare value outside what the schema or the parameter admits, so every gate is exercised without starving evaluate. */
const rarely = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 15 }, { arbitrary: invalid, weight: 1 });

const SERIAL_NAMES = ['primary', 'backup', 'spare', 'totp-1', 'totp-2', 'phone', 'unreadable', 'foreign'];

function serialFor(name: string, ctx: EvaluateContext): string {
  const { accountId, partition } = ctx;
  switch (name) {
    case 'totp-1':
      return totpSerial(1);
    case 'totp-2':
      return totpSerial(2);
    case 'phone':
      return virtualSerial(accountId, 'phone', partition);
    case 'unreadable':
      return `arn:${partition}:iam::${accountId}:user/not-a-device`;
    case 'foreign':
      return fidoSerial(OTHER_ACCOUNT, 'foreign', partition);
    default:
      return fidoSerial(accountId, name, partition);
  }
}

const serialArb = fc.constantFrom(...SERIAL_NAMES).map((name) => `${SERIAL}${name}>`);
/** What a register entry names: a device the register accepts, now and then one it refuses. */
const registrableSerialArb = fc.oneof(
  { arbitrary: fc.constantFrom(...SERIAL_NAMES.slice(0, 6)).map((name) => `${SERIAL}${name}>`), weight: 30 },
  serialArb,
);
/** Mostly around MaxDaysSinceCustodyCheck's default and small limits, some in the future. */
const dayArb = fc
  .oneof(
    fc.integer({ min: -3, max: 40 }),
    fc.integer({ min: 170, max: 190 }),
    fc.integer({ min: 0, max: 4000 }),
  )
  .map((n) => `${DAY}${n}>`);
const siteArb = fc.constantFrom(
  'Frankfurt office safe',
  'Dublin bank vault',
  ' frankfurt  Office safe',
  'HQ',
);

const liveDeviceArb = fc.record(
  {
    serialNumber: serialArb,
    // Now and then a kind that is not the serial's: evaluate trusts the facts' kind, and so does the oracle.
    kind: fc.oneof(
      { arbitrary: fc.constant(KIND_OF_SERIAL), weight: 6 },
      fc.constantFrom(...MFA_DEVICE_KINDS),
    ),
    enableDate: isoTimeArb(Date.UTC(2015, 0, 1), Date.UTC(2030, 0, 1)),
  },
  { requiredKeys: ['serialNumber', 'kind'] },
);

const inventoryArb = sometimesJunk(
  fc.oneof(
    {
      arbitrary: fc.record({
        status: fc.constant('listed'),
        devices: fc.array(liveDeviceArb, { maxLength: 5 }),
      }),
      weight: 4,
    },
    fc.record({
      status: fc.constant('unavailable'),
      reason: fc.oneof(
        { arbitrary: fc.constant('management-account'), weight: 3 },
        fc.constantFrom(...INVENTORY_UNAVAILABLE_REASONS),
      ),
      detail: fc.constantFrom('sts:AssumeRoot was throttled after retries', 'no root audit role'),
      fix: fc.constantFrom('set RootAuditRoleArn', 'enable centralized root access'),
    }),
  ),
);

// The register's own schema has its own tests (lib/custody-register.ts): entries are mostly what it admits.
const custodyDeviceArb = fc.record({
  serialNumber: registrableSerialArb,
  kind: rarely(fc.constant(KIND_OF_SERIAL), fc.constantFrom('fido', 'virtual', 'unknown')),
  custodian: fc.constantFrom('Security on-call lead', 'CISO office'),
  site: siteArb,
  lastCustodyCheck: dayArb,
  status: fc.oneof({ arbitrary: fc.constant('active'), weight: 4 }, fc.constantFrom('retired', 'lost')),
});

const attestationArb = fc.record({
  date: dayArb,
  signedOffBy: fc.constant('CISO'),
  hardwareDevices: rarely(fc.integer({ min: 0, max: 4 }), fc.constant(9)),
  noVirtualDevices: fc.boolean(),
});
const entriesArb = (device: fc.Arbitrary<{ serialNumber: string }>) =>
  // A serial listed twice is the register schema's own refusal: rarely.
  rarely(
    fc.uniqueArray(device, { maxLength: 4, selector: (d) => d.serialNumber }),
    fc.array(device, { minLength: 2, maxLength: 4 }),
  );

const registerAccountArb = sometimesJunk(
  fc.oneof(
    {
      arbitrary: fc.record(
        { accountId: fc.constant(SELF), devices: entriesArb(custodyDeviceArb), attestation: attestationArb },
        { requiredKeys: ['accountId', 'devices'] },
      ),
      weight: 4,
    },
    // Another account's entry (a facts file put together by hand): the register only admits serials that name
    // no account in it, the hardware tokens', so those are what it can list.
    fc.record(
      {
        accountId: fc.constant(OTHER_ACCOUNT),
        devices: entriesArb(
          custodyDeviceArb.map((d) => ({
            ...d,
            serialNumber: `${SERIAL}totp-${d.site.length % 2 ? 1 : 2}>`,
          })),
        ),
        attestation: attestationArb,
      },
      { requiredKeys: ['accountId', 'devices'] },
    ),
  ),
);

const registerArb = sometimesJunk(
  fc.oneof(
    fc.constant({ status: 'not-configured' }),
    {
      arbitrary: fc.record(
        {
          status: fc.constant('read'),
          source: fc.constant('s3://custody/custody-register.json'),
          account: registerAccountArb,
        },
        { requiredKeys: ['status', 'source'] },
      ),
      weight: 4,
    },
    fc.constant({
      status: 'unavailable',
      reason: 'custody register s3://custody/custody-register.json does not exist',
    }),
  ),
);

const factsArb = fc.record(
  {
    summary: credentialSummaryArb,
    inventory: inventoryArb,
    rootVirtualMfaDevices: sometimesJunk(fc.array(fc.record({ serialNumber: serialArb }), { maxLength: 2 })),
    register: registerArb,
  },
  { requiredKeys: ['summary', 'inventory', 'register'] },
);

function bind(drawn: unknown, ctx: EvaluateContext): unknown {
  const now = Date.parse(ctx.evaluationTime);
  const bound = bindPlaceholders(drawn, ctx, (value) => {
    if (value.startsWith(SERIAL)) return serialFor(value.slice(SERIAL.length, -1), ctx);
    if (value.startsWith(DAY)) {
      return new Date(now - Number(value.slice(DAY.length, -1)) * DAY_MS).toISOString().slice(0, 10);
    }
    return value;
  });
  return kindsFromSerials(bound);
}

/** Every `{ serialNumber, kind: '<kind>' }` gets its serial's kind (an unreadable one's, for the schema to refuse). */
function kindsFromSerials(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(kindsFromSerials);
  if (value === null || typeof value !== 'object') return value;
  const record = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, kindsFromSerials(v)]));
  if (record.kind === KIND_OF_SERIAL && typeof record.serialNumber === 'string') {
    record.kind = classifyMfaSerial(record.serialNumber);
  }
  return record;
}

// ---- the oracle: README "How each rule decides" (root-backup-mfa) and rule.json, re-derived here ----

const isHardware = (kind: string) => kind === 'fido' || kind === 'hardware-totp';
const siteOf = (site: string) => site.trim().toLowerCase().split(/\s+/).join(' ');

/** A day recorded as YYYY-MM-DD is recent: not a whole day past `maxDays` days old, nor dated ahead by over a day. */
function recent(day: string, now: number, maxDays: number): boolean {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return now < midnight + (maxDays + 1) * DAY_MS && midnight - now <= DAY_MS;
}

/** What the register checks require of the account's entries, given the devices on root (when they are known). */
function custodyHolds(
  account: CustodyAccount | undefined,
  live: readonly MfaDevice[] | undefined,
  now: number,
  maxDays: number,
): boolean {
  const active = (account?.devices ?? []).filter((d) => d.status === 'active');
  const activeHardware = active.filter((d) => isHardware(d.kind));
  const apart = activeHardware.length < 2 || new Set(activeHardware.map((d) => siteOf(d.site))).size > 1;
  const checked = active.every((d) => recent(d.lastCustodyCheck, now, maxDays));
  if (!live) return apart && checked;
  const everyLiveRegistered = live
    .filter((d) => d.kind !== 'virtual')
    .every((d) => active.some((entry) => entry.serialNumber === d.serialNumber));
  const everyActiveLive = active.every((entry) => live.some((d) => d.serialNumber === entry.serialNumber));
  return apart && checked && everyLiveRegistered && everyActiveLive;
}

function oracle(
  facts: RootBackupMfaFacts,
  params: Record<string, unknown>,
  ctx: EvaluateContext,
): readonly ['COMPLIANT' | 'NON_COMPLIANT'] {
  const min = params.MinHardwareDevices as number;
  const allowVirtual = params.AllowVirtualDevices === true;
  const maxDays = params.MaxDaysSinceCustodyCheck as number;
  const now = Date.parse(ctx.evaluationTime);
  const { summary, inventory, register } = facts;
  const verdict = (pass: boolean) => (pass ? (['COMPLIANT'] as const) : (['NON_COMPLIANT'] as const));

  // No password (known to be absent), keys, certificates or MFA: centralized root access left nothing to protect.
  const noCredentials =
    summary.passwordPresent === false &&
    !summary.accessKeysPresent &&
    !summary.signingCertificatesPresent &&
    !summary.mfaEnabled;
  if (noCredentials && (inventory.status === 'unavailable' || inventory.devices.length === 0)) {
    return verdict(true);
  }
  // The register's entry speaks for this account only.
  const account = register.status === 'read' ? register.account : undefined;
  const entryIsOurs = account === undefined || account.accountId === ctx.accountId;

  // A device whose kind cannot be read fails the rule, registered or not (it might be anything).
  if (inventory.status === 'listed') {
    const { devices } = inventory;
    const registerHolds =
      register.status === 'not-configured' ||
      (register.status === 'read' && entryIsOurs && custodyHolds(account, devices, now, maxDays));
    return verdict(
      devices.filter((d) => isHardware(d.kind)).length >= min &&
        (allowVirtual || devices.every((d) => d.kind !== 'virtual')) &&
        devices.every((d) => d.kind !== 'unknown') &&
        registerHolds,
    );
  }
  // Uncountable devices never pass, except the management account, judged by its attestation and its own IAM.
  if (inventory.reason !== 'management-account') return verdict(false);
  const attestation = account?.attestation;
  return verdict(
    register.status === 'read' &&
      entryIsOurs &&
      attestation !== undefined &&
      summary.mfaEnabled &&
      (allowVirtual || (facts.rootVirtualMfaDevices ?? []).length === 0) &&
      attestation.hardwareDevices >= min &&
      (allowVirtual || attestation.noVirtualDevices) &&
      recent(attestation.date, now, maxDays) &&
      custodyHolds(account, undefined, now, maxDays),
  );
}

describe('root-backup-mfa properties', () => {
  describeRuleProperties({
    ruleId: 'root-backup-mfa',
    factsSchema,
    facts: factsArb,
    bind,
    params: fc.record(
      {
        MinHardwareDevices: rarely(
          fc.constantFrom('2', '1', '3', ' 2 ', '', undefined, 1, 8),
          fc.constantFrom('0', '9', 'two', '1.5'),
        ),
        AllowVirtualDevices: booleanParameterArb,
        MaxDaysSinceCustodyCheck: rarely(
          fc.constantFrom('180', '1', '30', '3650', '', undefined, 7),
          fc.constantFrom('0', '3651', 'abc'),
        ),
        CustodyRegister: rarely(fc.constantFrom('custody-register.json', '', undefined), fc.constant('../x')),
      },
      { requiredKeys: [] },
    ),
    oracle,
    runs: 400,
  });
});

describe('root-backup-mfa counterexamples', () => {
  it("does not pass the management account on another account's attestation (seed 20261207, FUZZ_RUNS=20000)", () => {
    // Prepare: the shrunk counterexample, a facts file whose register entry is 999999999999's.
    const facts: RootBackupMfaFacts = {
      summary: { mfaEnabled: true, accessKeysPresent: false, signingCertificatesPresent: false },
      inventory: {
        status: 'unavailable',
        reason: 'management-account',
        detail: 'sts:AssumeRoot cannot reach the management account',
        fix: 'attest its devices in the custody register',
      },
      register: {
        status: 'read',
        source: 's3://custody/custody-register.json',
        account: {
          accountId: OTHER_ACCOUNT,
          devices: [],
          attestation: {
            date: '2024-01-01',
            signedOffBy: 'CISO',
            hardwareDevices: 2,
            noVirtualDevices: true,
          },
        },
      },
    };
    const params = { MinHardwareDevices: 2, AllowVirtualDevices: false, MaxDaysSinceCustodyCheck: 180 };

    // Act
    const [result] = evaluate(facts, params, {
      accountId: '000000000000',
      partition: 'aws',
      evaluationTime: '2024-01-01T00:00:00.000Z',
    });

    // Assess
    expect(result?.complianceType).toBe('NON_COMPLIANT');
    expect(result?.annotation).toContain(
      "custody register could not be used: its entry in s3://custody/custody-register.json is account 999999999999's",
    );
  });
});
