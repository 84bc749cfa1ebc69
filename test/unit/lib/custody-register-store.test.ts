import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvalidCustodyRegisterError } from '../../../lib/custody-register';
import {
  CustodyRegisterUnavailableError,
  custodyRegisterLocation,
  readCustodyRegister,
} from '../../../lib/custody-register-store';
import { MEMBER_ACCOUNT, REGION, SECURITY_TOOLING_ACCOUNT } from '../../helpers/constants';
import { keptApart } from '../../helpers/mfa-devices';
import { s3Object } from '../../helpers/org-snapshot';
import { awsError } from '../../helpers/root-audit';
import { useSdkMocks } from '../../helpers/sdk-mocks';

const { s3 } = useSdkMocks({ s3: S3Client });
const client = new S3Client({ region: REGION });
const ENV = {
  CUSTODY_REGISTER_BUCKET: 'register-bucket',
  CUSTODY_REGISTER_BUCKET_OWNER: SECURITY_TOOLING_ACCOUNT,
};
const location = custodyRegisterLocation('custody-register.json', ENV);

describe('readCustodyRegister', () => {
  it('reads and validates the published register from the stack bucket, as its owner', async () => {
    const register = { version: 1, accounts: [keptApart(MEMBER_ACCOUNT)] };
    s3.on(GetObjectCommand).resolves(s3Object(JSON.stringify(register)));

    await expect(readCustodyRegister(client, location)).resolves.toEqual(register);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: 'register-bucket',
      Key: 'custody-register.json',
      ExpectedBucketOwner: SECURITY_TOOLING_ACCOUNT,
    });
  });

  it('has no location without the stack bucket and its owner', async () => {
    expect(
      custodyRegisterLocation('custody-register.json', { CUSTODY_REGISTER_BUCKET: 'b' }),
    ).toBeUndefined();
    await expect(readCustodyRegister(client, undefined)).rejects.toMatchObject({ reason: 'not-deployed' });
  });

  it.each([
    ['NoSuchKey', 'missing'],
    ['AccessDenied', 'access-denied'],
    ['InternalError', 'unreadable'],
  ])('turns %s into a typed error (%s)', async (name, reason) => {
    s3.on(GetObjectCommand).rejects(awsError(name));

    const error = await readCustodyRegister(client, location).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CustodyRegisterUnavailableError);
    expect(error).toMatchObject({ reason });
  });

  it('refuses a body that is not JSON, and a register that does not validate, naming the field', async () => {
    s3.on(GetObjectCommand).resolves(s3Object('version: 1'));
    await expect(readCustodyRegister(client, location)).rejects.toMatchObject({ reason: 'unreadable' });

    s3.on(GetObjectCommand).resolves(
      s3Object(JSON.stringify({ version: 1, accounts: [{ accountId: '1', devices: [] }] })),
    );
    await expect(readCustodyRegister(client, location)).rejects.toThrow(InvalidCustodyRegisterError);
    await expect(readCustodyRegister(client, location)).rejects.toThrow(/accounts\[0\]\.accountId/);
  });
});
