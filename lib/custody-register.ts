/**
 * Validates the key custody register (shape: lib/custody-register-types.ts). One schema for every reader:
 * `rootguard custody check|diff` (from YAML, lib/custody-register-yaml.ts), the root-backup-mfa rule and the alert
 * path (the published JSON copy). zod/mini, so a Lambda that reads the register stays lean.
 *
 * A register is written by hand, so every problem is reported with the file, the line and the field path
 * (`accounts[2].devices[0].site`) and the whole register is refused: a half-read register must never make a
 * device look registered, or unregistered, by accident.
 *
 *   version: 1
 *   accounts:
 *     - accountId: "111122223333"
 *       devices:
 *         - serialNumber: arn:aws:iam::111122223333:u2f/root/primary-key-AbCdEf
 *           kind: fido            # fido | hardware-totp | virtual
 *           custodian: Security on-call lead
 *           site: Frankfurt office safe
 *           lastCustodyCheck: 2026-10-01
 *           status: active        # active | retired | lost
 *     - accountId: "999988887777"   # the management account: AssumeRoot cannot see its devices
 *       devices: [...]
 *       attestation: { date: 2026-10-01, signedOffBy: CISO, hardwareDevices: 2, noVirtualDevices: true }
 */
import type { CustodyRegister } from './custody-register-types';
import { CUSTODY_DEVICE_STATUSES } from './custody-register-types';
import { ItemizedError } from './errors';
import { classifyMfaSerial, REGISTRABLE_MFA_DEVICE_KINDS } from './mfa-device';
import { ACCOUNT_ID_PATTERN } from './partition';
import * as z from './zod-mini';

export interface CustodyRegisterIssue {
  /** `accounts[0].devices[1].site`; empty for the whole document. */
  path: string;
  /** 1-based line in the source, when the YAML node could be located. */
  line?: number;
  message: string;
}

/** The register could not be read or does not validate; `issues` lists each problem with its line. */
export class InvalidCustodyRegisterError extends ItemizedError<CustodyRegisterIssue> {
  readonly source: string;

  constructor(source: string, issues: readonly CustodyRegisterIssue[]) {
    super(
      `custody register ${source} is invalid: ${issues
        .slice(0, 5)
        .map(
          (issue) =>
            `${source}${issue.line === undefined ? '' : `:${issue.line}`} ${issue.path || '(document)'}: ${issue.message}`,
        )
        .join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
      { issues },
    );
    this.source = source;
  }
}

// Dates are strings, YYYY-MM-DD, and a real calendar day: the YAML reader keeps the core schema, which leaves an
// unquoted 2026-10-01 a string.
const day = z.string().check(
  // abort: a value that is not YYYY-MM-DD at all is one problem, not also "not a calendar date".
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD', abort: true }),
  z.refine((value) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  }, 'not a calendar date'),
);
const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(256));

/** What IAM accepts as an MFA serial number. */
const SERIAL_NUMBER = /^[\w+=/:,.@-]{9,256}$/;

const deviceSchema = z.strictObject({
  serialNumber: z
    .string('expected an IAM MFA serial number as text (quote it in YAML when it is all digits)')
    .check(z.regex(SERIAL_NUMBER, 'expected an IAM MFA serial number (9 to 256 of [\\w+=/:,.@-])')),
  kind: z.enum(REGISTRABLE_MFA_DEVICE_KINDS),
  custodian: text,
  site: text,
  lastCustodyCheck: day,
  status: z.enum(CUSTODY_DEVICE_STATUSES),
});

const attestationSchema = z.strictObject({
  date: day,
  signedOffBy: text,
  hardwareDevices: z.int().check(z.minimum(0), z.maximum(8)),
  noVirtualDevices: z.boolean(),
});

/**
 * A check that adds an issue at every repeat of `key` among the items of the value's `list` (a device listed twice
 * in an account, an account listed twice in the register), at `<list>[i].<key>`.
 */
function noRepeats<L extends string, K extends string>(list: L, key: K, message: string) {
  return z.superRefine((value: { [P in L]: readonly { [Q in K]: string }[] }, ctx) => {
    const seen = new Set<string>();
    value[list].forEach((item, index) => {
      const input = item[key];
      if (seen.has(input)) ctx.addIssue({ code: 'custom', path: [list, index, key], message, input });
      seen.add(input);
    });
  });
}

const accountSchema = z
  .strictObject({
    accountId: z
      .string('expected a 12-digit account id (quote it in YAML)')
      .check(z.regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit account id (quote it in YAML)')),
    devices: z.array(deviceSchema),
    attestation: z.optional(attestationSchema),
  })
  .check(
    noRepeats('devices', 'serialNumber', 'listed twice in this account'),
    z.superRefine((account, ctx) => {
      account.devices.forEach((device, index) => {
        const issue = serialMismatch(account.accountId, device.serialNumber, device.kind);
        if (issue)
          ctx.addIssue({
            code: 'custom',
            path: ['devices', index, issue.field],
            message: issue.message,
            input: device[issue.field],
          });
      });
    }),
  );

/**
 * A serial the rule would read differently from what the register says: the live inventory classifies each
 * device from its serial alone (lib/mfa-device.ts), so a register whose `kind` disagrees with its serial, or whose
 * device ARN names another account (a line copied from another account's entry), would compare wrongly.
 */
function serialMismatch(
  accountId: string,
  serialNumber: string,
  kind: string,
): { field: 'serialNumber' | 'kind'; message: string } | undefined {
  // A serial or account id that is malformed already has its own issue.
  if (!SERIAL_NUMBER.test(serialNumber) || !ACCOUNT_ID_PATTERN.test(accountId)) return undefined;
  const arnAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(serialNumber)?.[1];
  if (arnAccount !== undefined && arnAccount !== accountId) {
    return { field: 'serialNumber', message: `the device ARN names account ${arnAccount}, not ${accountId}` };
  }
  const fromSerial = classifyMfaSerial(serialNumber);
  if (fromSerial === 'unknown') {
    return {
      field: 'serialNumber',
      message:
        'not a serial of a known MFA device kind (arn:…:u2f/… for a FIDO key, arn:…:mfa/… for a virtual ' +
        "device, or a hardware token's printed serial of letters and digits)",
    };
  }
  if (fromSerial !== kind && (REGISTRABLE_MFA_DEVICE_KINDS as readonly string[]).includes(kind)) {
    return { field: 'kind', message: `${kind} does not match the serial, which is a ${fromSerial} device's` };
  }
  return undefined;
}

export const custodyRegisterSchema = z
  .strictObject({
    version: z.literal(1),
    accounts: z.array(accountSchema),
  })
  .check(noRepeats('accounts', 'accountId', 'account listed twice'));

/** Where a problem is in the value: the caller maps it to a line when it has the source text. */
export function validateCustodyRegister(
  value: unknown,
  source: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): CustodyRegister {
  const result = custodyRegisterSchema.safeParse(value);
  if (result.success) return result.data as CustodyRegister;
  throw new InvalidCustodyRegisterError(
    source,
    result.error.issues.flatMap((issue) =>
      // An unknown field is reported at the field itself (its own path and line), one issue per field, not at
      // the object that holds it: the reader wants the line to delete.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => located([...(issue.path as PropertyKey[]), key], 'unknown field', lineOf))
        : [located(issue.path as PropertyKey[], issue.message, lineOf)],
    ),
  );
}

function located(
  path: readonly PropertyKey[],
  message: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): CustodyRegisterIssue {
  const line = lineOf(path);
  return line === undefined ? { path: pathText(path), message } : { path: pathText(path), line, message };
}

export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
