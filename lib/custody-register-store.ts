/**
 * Reads the published key custody register (`rootguard custody publish` uploads the validated JSON) from the
 * tooling account's own bucket: the bucket comes from this Lambda's environment (serverless.yml
 * CustodyRegisterBucket), never from a rule parameter or a member account, and the read names the tooling account
 * as the expected bucket owner, so a same-named bucket elsewhere is refused. Only the object key is chosen by the
 * rule parameter, and the rule roles may read only that bucket.
 *
 * Every failure is typed: missing object, AccessDenied, an unreadable body or a register that does not validate
 * (InvalidCustodyRegisterError, lib/custody-register.ts). A rule turns each into NON_COMPLIANT with the reason;
 * none is ever a pass.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { validateCustodyRegister } from './custody-register';
import type { CustodyRegister } from './custody-register-types';
import { errorName, isAccessDenied, RootGuardError, type RootGuardErrorOptions } from './errors';

export const CUSTODY_REGISTER_BUCKET_ENV = 'CUSTODY_REGISTER_BUCKET';
export const CUSTODY_REGISTER_BUCKET_OWNER_ENV = 'CUSTODY_REGISTER_BUCKET_OWNER';
/** The object key `rootguard custody publish` writes and the CustodyRegister parameter names by default. */
export const CUSTODY_REGISTER_KEY = 'custody-register.json';

export const CUSTODY_REGISTER_FAILURES = ['not-deployed', 'missing', 'access-denied', 'unreadable'] as const;
export type CustodyRegisterFailure = (typeof CUSTODY_REGISTER_FAILURES)[number];

/** The register could not be had (invalid content is InvalidCustodyRegisterError). */
export class CustodyRegisterUnavailableError extends RootGuardError {
  readonly reason: CustodyRegisterFailure;

  constructor(reason: CustodyRegisterFailure, message: string, options: RootGuardErrorOptions = {}) {
    super(message, options);
    this.reason = reason;
  }
}

export interface CustodyRegisterLocation {
  bucket: string;
  key: string;
  /** The tooling account: S3 refuses the read when the bucket belongs to anyone else. */
  expectedOwner: string;
}

/** Where the register is, from the environment and the rule's key; undefined when the stack has no bucket. */
export function custodyRegisterLocation(
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): CustodyRegisterLocation | undefined {
  const bucket = env[CUSTODY_REGISTER_BUCKET_ENV]?.trim();
  const expectedOwner = env[CUSTODY_REGISTER_BUCKET_OWNER_ENV]?.trim();
  if (!bucket || !expectedOwner) return undefined;
  return { bucket, key, expectedOwner };
}

const MISSING_OBJECT = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

/** The published register at `location`, validated; a typed error otherwise (see the file comment). */
export async function readCustodyRegister(
  s3: S3Client,
  location: CustodyRegisterLocation | undefined,
): Promise<CustodyRegister> {
  if (!location) {
    throw new CustodyRegisterUnavailableError(
      'not-deployed',
      'this stack has no custody register bucket (CUSTODY_REGISTER_BUCKET)',
    );
  }
  const source = `s3://${location.bucket}/${location.key}`;
  let text: string | undefined;
  try {
    const out = await s3.send(
      new GetObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        ExpectedBucketOwner: location.expectedOwner,
      }),
    );
    text = await out.Body?.transformToString();
  } catch (error) {
    if (MISSING_OBJECT.has(errorName(error))) {
      throw new CustodyRegisterUnavailableError(
        'missing',
        `custody register ${source} does not exist: publish it with rootguard custody publish`,
        { cause: error },
      );
    }
    if (isAccessDenied(error)) {
      throw new CustodyRegisterUnavailableError(
        'access-denied',
        `custody register ${source} could not be read (${errorName(error)}): check the rule role and the bucket owner`,
        { cause: error },
      );
    }
    throw new CustodyRegisterUnavailableError(
      'unreadable',
      `custody register ${source} could not be read (${errorName(error)})`,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new CustodyRegisterUnavailableError('unreadable', `custody register ${source} has no body`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CustodyRegisterUnavailableError('unreadable', `custody register ${source} is not JSON`, {
      cause: error,
    });
  }
  return validateCustodyRegister(value, source);
}
