/**
 * Arbitraries of facts and parameters that more than one rule's property spec uses (the shared facts schemas
 * of lib/facts-schema.ts, Config's spellings of parameter values). One home, so specs never copy them.
 */
import * as fc from 'fast-check';
import { junkyRecord } from './rule-properties';

/** iam:GetAccountSummary as facts: every flag present, missing (passwordPresent may be), null or mistyped. */
export const credentialSummaryArb = junkyRecord(
  {
    mfaEnabled: fc.boolean(),
    accessKeysPresent: fc.boolean(),
    signingCertificatesPresent: fc.boolean(),
    passwordPresent: fc.boolean(),
  },
  ['passwordPresent'],
);

/** A Boolean parameter as Config hands it over: any case, padded, blank, or not a boolean at all. */
export const booleanParameterArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('true', 'false', 'TRUE', 'False', ' true ', '', '   '),
  fc.boolean(),
  fc.constantFrom('yes', '1', 'on', null),
  fc.integer({ min: 0, max: 1 }),
);
