/**
 * The facts file's schema of root-user-idle's facts (cli/facts-file.ts, `rootguard scan`): strict, so a typo
 * in a saved file is an error with its path, never a wrong verdict. Registered by the generated
 * cli/facts-schemas.generated.ts.
 */
import * as z from 'zod';
import { breakGlassWindowSchema } from '../../lib/break-glass';
import { type Assert, type Exact, isoTime } from '../../lib/facts-schema';
import type { RootUserIdleFacts } from './evaluate';

const credentialReportNote = z.enum(['N/A', 'no_information', 'not_supported']);
export const factsSchema = z.strictObject({
  report: z.strictObject({
    generatedAt: isoTime,
    root: z.strictObject({
      passwordEnabled: z.boolean().optional(),
      passwordLastUsed: isoTime.optional(),
      passwordLastUsedNote: credentialReportNote.optional(),
      mfaActive: z.boolean().optional(),
      accessKey1Active: z.boolean().optional(),
      accessKey1LastUsed: isoTime.optional(),
      accessKey1LastUsedNote: credentialReportNote.optional(),
      accessKey2Active: z.boolean().optional(),
      accessKey2LastUsed: isoTime.optional(),
      accessKey2LastUsedNote: credentialReportNote.optional(),
    }),
  }),
  breakGlassWindows: z.array(breakGlassWindowSchema),
  breakGlassWindowsRead: z.boolean(),
});

/** Fails to compile when the schema drifts from the Facts interface in evaluate.ts. */
export type FactsSchemaMatchesFacts = Assert<Exact<z.output<typeof factsSchema>, RootUserIdleFacts>>;
