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
import { REGISTRABLE_MFA_DEVICE_KINDS } from './mfa-device';
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
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'),
  z.refine((value) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  }, 'not a calendar date'),
);
const text = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(256));

const deviceSchema = z.strictObject({
  serialNumber: z
    .string()
    .check(z.regex(/^[\w+=/:,.@-]{9,256}$/, 'expected an IAM MFA serial number (9 to 256 of [\\w+=/:,.@-])')),
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

/** Adds an issue for every repeat of `keyOf` in `items` (a device listed twice, an account listed twice). */
function noRepeats<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  pathOf: (index: number) => PropertyKey[],
  message: string,
) {
  return (ctx: {
    addIssue: (issue: { code: 'custom'; path: PropertyKey[]; message: string; input: unknown }) => void;
  }) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: pathOf(index), message, input: key });
      seen.add(key);
    });
  };
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
    z.superRefine((account, ctx) =>
      noRepeats(
        account.devices,
        (d) => d.serialNumber,
        (i) => ['devices', i, 'serialNumber'],
        'listed twice in this account',
      )(ctx),
    ),
  );

export const custodyRegisterSchema = z
  .strictObject({
    version: z.literal(1),
    accounts: z.array(accountSchema),
  })
  .check(
    z.superRefine((register, ctx) =>
      noRepeats(
        register.accounts,
        (a) => a.accountId,
        (i) => ['accounts', i, 'accountId'],
        'account listed twice',
      )(ctx),
    ),
  );

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
    result.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      const line = lineOf(path);
      return line === undefined
        ? { path: pathText(path), message: issue.message }
        : { path: pathText(path), line, message: issue.message };
    }),
  );
}

export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
