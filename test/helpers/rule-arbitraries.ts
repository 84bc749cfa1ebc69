/**
 * Arbitraries of facts and parameters that more than one rule's property spec uses (the shared facts schemas
 * of lib/facts-schema.ts, Config's spellings of parameter values). One home, so specs never copy them.
 */
import * as fc from 'fast-check';
import { accountIdArb, junkyRecord, SELF, sometimesJunk } from './rule-properties';

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

/**
 * The organization as the snapshot records it, and whether it lists the account (lib/facts-schema.ts): mostly an
 * organization with all features and SCPs on, now and then none, another feature set, or the evaluated account
 * as its management account (SELF). Spread into a rule's facts record.
 */
export const organizationFactsArbs = {
  organization: sometimesJunk(
    fc.oneof(
      { arbitrary: fc.constant(null), weight: 1 },
      {
        weight: 6,
        arbitrary: junkyRecord({
          id: fc.oneof({ arbitrary: fc.constant('o-abcdefghij'), weight: 30 }, fc.constant('')),
          managementAccountId: fc.oneof({ arbitrary: accountIdArb, weight: 4 }, fc.constant(SELF)),
          featureSet: fc.constantFrom('ALL', 'ALL', 'ALL', 'ALL', 'CONSOLIDATED_BILLING', 'SOMETHING_NEW'),
          scpEnabled: fc.constantFrom(true, true, true, false),
        }),
      },
    ),
  ),
  accountInOrganization: sometimesJunk(fc.constantFrom(true, true, true, false)),
};
