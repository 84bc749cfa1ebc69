/**
 * The facts file's schema of root-hardware-mfa's facts (cli/facts-file.ts, `rootguard scan`): strict, so a typo
 * in a saved file is an error with its path, never a wrong verdict. Registered by the generated
 * cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import {
  type Assert,
  type Exact,
  rootCredentialSummarySchema,
  rootMfaInventorySchema,
  rootVirtualMfaDevicesSchema,
} from '../../lib/facts-schema';
import type { RootHardwareMfaFacts } from './evaluate';

export const factsSchema = z.strictObject({
  summary: rootCredentialSummarySchema,
  rootVirtualMfaDevices: rootVirtualMfaDevicesSchema,
  inventory: rootMfaInventorySchema.optional(),
});

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootHardwareMfaFacts>>;
