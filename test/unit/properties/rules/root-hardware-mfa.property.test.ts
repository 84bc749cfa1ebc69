import * as fc from 'fast-check';
import { factsSchema } from '../../../../rules/root-hardware-mfa/facts';
import { credentialSummaryArb } from '../../../helpers/rule-arbitraries';
import {
  describeRuleProperties,
  isoTimeArb,
  junkyRecord,
  sometimesJunk,
} from '../../../helpers/rule-properties';

const virtualDeviceArb = junkyRecord(
  {
    serialNumber: fc.oneof(fc.stringMatching(/^arn:aws:iam::\d{12}:mfa\/[a-z-]{1,12}$/), fc.constant('')),
    enableDate: isoTimeArb(Date.UTC(2015, 0, 1), Date.UTC(2030, 0, 1)),
  },
  ['enableDate'],
);

// Oracle (README "How each rule decides", rule.json): passes when root has MFA and no virtual MFA device, or
// when root has no credentials at all (no password, keys, certificates or MFA: centralized root access); an
// unknown password (absent passwordPresent) never counts as "no password". Any virtual device fails.
describe('root-hardware-mfa properties', () => {
  describeRuleProperties({
    ruleId: 'root-hardware-mfa',
    factsSchema,
    facts: fc.record({
      summary: credentialSummaryArb,
      rootVirtualMfaDevices: sometimesJunk(
        fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, fc.array(virtualDeviceArb, { maxLength: 3 })),
      ),
    }),
    oracle: ({ summary, rootVirtualMfaDevices }) => {
      if (rootVirtualMfaDevices.length > 0) return ['NON_COMPLIANT'];
      const noCredentials =
        summary.passwordPresent === false &&
        !summary.accessKeysPresent &&
        !summary.signingCertificatesPresent &&
        !summary.mfaEnabled;
      return summary.mfaEnabled || noCredentials ? ['COMPLIANT'] : ['NON_COMPLIANT'];
    },
  });
});
