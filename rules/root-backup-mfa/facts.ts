/**
 * The facts file's schema of root-backup-mfa's facts (cli/facts-file.ts, `rootguard scan`): strict, so a typo in
 * a saved file is an error with its path, never a wrong verdict. A register account is checked by the register's
 * own schema (lib/custody-register.ts), not a second copy of it. Registered by cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import { custodyRegisterSchema } from '../../lib/custody-register';
import type { CustodyAccount } from '../../lib/custody-register-types';
import {
  type Assert,
  type Exact,
  rootCredentialSummarySchema,
  rootMfaInventorySchema,
  rootVirtualMfaDevicesSchema,
} from '../../lib/facts-schema';
import type { RootBackupMfaFacts } from './evaluate';

const custodyAccount = z.custom<CustodyAccount>(
  (value) => custodyRegisterSchema.safeParse({ version: 1, accounts: [value] }).success,
  'expected a custody register account (lib/custody-register-types.ts)',
);

export const factsSchema = z.strictObject({
  summary: rootCredentialSummarySchema,
  inventory: rootMfaInventorySchema,
  rootVirtualMfaDevices: rootVirtualMfaDevicesSchema.optional(),
  register: z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('not-configured') }),
    z.strictObject({
      status: z.literal('read'),
      source: z.string().min(1),
      account: custodyAccount.optional(),
    }),
    z.strictObject({ status: z.literal('unavailable'), reason: z.string().min(1) }),
  ]),
});

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootBackupMfaFacts>>;
