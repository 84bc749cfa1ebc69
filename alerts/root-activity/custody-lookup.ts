/**
 * A key custody register lookup for the alert (device-custody.ts `CustodyLookup`) that reads the published JSON
 * copy from S3. Its own module, NOT imported by the alert handler: the S3 client adds about 44 KB to the alert's
 * zip, over its 250 KB budget, so the deployed alert reads the copy `custody publish --ledger-table` writes into the
 * ledger table instead (ledger.ts `custodyLookupFromLedger`; ARCHITECTURE.md, decision 7, "The custody register in
 * the alert"). Kept for a handler built with `custodyLookup: custodyLookupFromS3(...)`.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { validateCustodyRegister } from '../../lib/custody-register';
import type { CustodyRegister } from '../../lib/custody-register-types';
import { awsCall, errorMessage } from '../../lib/errors';
import type { CustodyLookup } from './device-custody';

/** How long one container keeps the register it read: edits reach alerts within five minutes. */
export const CUSTODY_REGISTER_CACHE_MS = 5 * 60_000;

/**
 * The register lookup the alert uses: the published JSON copy (`s3://bucket/key`, written by
 * `rootguard custody publish`; lib/custody-register-store.ts on the backup branch reads the same object), validated with the one register schema and cached per container. Never
 * throws: a register that cannot be read or does not validate is 'unavailable' (and is read again on the
 * next sign-in, not cached), so the alert still goes out and says so.
 */
export function custodyLookupFromS3(
  client: S3Client,
  location: { bucket: string; key: string; expectedOwner: string },
  now: () => Date,
  onFailure: (reason: string) => void = () => undefined,
): CustodyLookup {
  let cached: { register: CustodyRegister; until: number } | undefined;
  return async (accountId) => {
    const t = now().getTime();
    if (!cached || cached.until <= t) {
      try {
        const out = await awsCall('s3:GetObject', undefined, () =>
          client.send(
            new GetObjectCommand({
              Bucket: location.bucket,
              Key: location.key,
              // The tooling account's own bucket: a same-named bucket of anyone else is refused by S3.
              ExpectedBucketOwner: location.expectedOwner,
            }),
          ),
        );
        const text = (await out.Body?.transformToString()) ?? '';
        const register = validateCustodyRegister(JSON.parse(text), `s3://${location.bucket}/${location.key}`);
        cached = { register, until: t + CUSTODY_REGISTER_CACHE_MS };
      } catch (error) {
        cached = undefined;
        onFailure(errorMessage(error));
        return 'unavailable';
      }
    }
    return cached.register.accounts.find((a) => a.accountId === accountId);
  };
}
