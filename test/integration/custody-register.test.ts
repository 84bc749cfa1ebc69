/**
 * The published key custody register on moto_server's S3: a versioned, encrypted bucket as serverless.yml creates
 * it, the JSON `rootguard custody publish` uploads, read back by lib/custody-register-store.ts with the real SDK.
 *
 * What moto 5.2.1 does not implement, and where it is covered instead: sts:AssumeRoot (no such action in moto's
 * STS) and iam:ListMFADevices on the root user (moto's ListMFADevices needs an IAM user name; it has no root
 * user): test/unit/lib/root-mfa-inventory.test.ts mocks them at Client#send for every branch, and
 * test/unit/remediations/root-session-endpoint.test.ts drives the real SDK to the Regional STS endpoint.
 */
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { InvalidCustodyRegisterError } from '../../lib/custody-register';
import {
  CUSTODY_REGISTER_KEY,
  CustodyRegisterUnavailableError,
  readCustodyRegister,
} from '../../lib/custody-register-store';
import { MEMBER_ACCOUNT } from '../helpers/constants';
import { emulatorClient, MOTO_DEFAULT_ACCOUNT } from '../helpers/emulator';
import { keptApart } from '../helpers/mfa-devices';

const BUCKET = 'rootguard-it-custody-register';
let s3: S3Client;
const location = (key = CUSTODY_REGISTER_KEY) => ({
  bucket: BUCKET,
  key,
  expectedOwner: MOTO_DEFAULT_ACCOUNT,
});

beforeAll(async () => {
  s3 = emulatorClient(S3Client);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
});

afterAll(() => s3.destroy());

describe('the custody register on S3 (moto_server)', () => {
  it('reads back the latest published version, validated', async () => {
    const first = { version: 1, accounts: [] };
    const second = { version: 1, accounts: [keptApart(MEMBER_ACCOUNT)] };
    for (const register of [first, second]) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: CUSTODY_REGISTER_KEY,
          Body: JSON.stringify(register),
          ContentType: 'application/json',
        }),
      );
    }

    await expect(readCustodyRegister(s3, location())).resolves.toEqual(second);
  });

  it('says a register that was never published is missing', async () => {
    const error = await readCustodyRegister(s3, location('not-published.json')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CustodyRegisterUnavailableError);
    expect(error).toMatchObject({ reason: 'missing' });
  });

  it('refuses a published object that is not a valid register', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'bad.json',
        Body: JSON.stringify({ version: 2, accounts: [] }),
      }),
    );

    await expect(readCustodyRegister(s3, location('bad.json'))).rejects.toThrow(InvalidCustodyRegisterError);
  });
});
