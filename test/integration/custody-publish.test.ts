/**
 * `rootguard custody publish` over HTTP against moto_server's S3 with the real SDK client: the object is the
 * register's JSON, encrypted, versioned, and carries the YAML's sha256; an unversioned bucket is refused after
 * the write (exit 1). moto implements PutObject's SSE headers, user metadata and versioning; it does not check
 * KMS keys or ExpectedBucketOwner, so SSE-KMS and the owner check are covered by test/unit/cli/custody.test.ts.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { EXIT_ERROR, EXIT_OK, run } from '../../cli/index';
import { parseCustodyRegister } from '../../lib/custody-register-yaml';
import { argv, captureIo } from '../helpers/cli-io';
import { custodyRegister, custodyRegisterYaml } from '../helpers/custody-register';
import { emulatorClientFactory, useEmulatedClients } from '../helpers/emulator';
import { useTempDir } from '../helpers/temp-dir';

const BUCKET = 'rootguard-custody-register';
const KEY = 'custody-register.json';

const dir = useTempDir('rootguard-custody-');
const aws = useEmulatedClients({ s3: S3Client });
beforeEach(async () => {
  await aws.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

async function publish(yaml: string) {
  const file = join(dir(), 'custody-register.yaml');
  writeFileSync(file, yaml);
  const io = captureIo({ clientFactory: () => emulatorClientFactory() });
  const code = await run(argv('custody', 'publish', file, '--bucket', BUCKET), io);
  return { code, io };
}

describe('custody publish on moto_server', () => {
  it('stores the register as encrypted JSON with the YAML sha256, a new version each time', async () => {
    // Prepare
    await aws.s3.send(
      new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const first = custodyRegisterYaml();
    const second = custodyRegisterYaml().replace('custodian: CISO office', 'custodian: Deputy CISO');

    // Act
    const one = await publish(first);
    const two = await publish(second);

    // Assess
    expect([one.code, two.code]).toEqual([EXIT_OK, EXIT_OK]);
    const versionOf = (out: string) => /Version id: (\S+)/.exec(out)?.[1];
    const latest = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    expect(latest.VersionId).toBe(versionOf(two.io.out()));
    expect(latest.ContentType).toBe('application/json');
    expect(latest.ServerSideEncryption).toBe('AES256');
    expect(latest.Metadata).toEqual({ 'source-sha256': createHash('sha256').update(second).digest('hex') });
    const body = JSON.parse((await latest.Body?.transformToString()) ?? '');
    expect(body).toEqual(parseCustodyRegister(second, 'second'));
    const older = await aws.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: KEY, VersionId: versionOf(one.io.out()) }),
    );
    expect(JSON.parse((await older.Body?.transformToString()) ?? '')).toEqual(custodyRegister());
    const versions = await aws.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: KEY }));
    expect(versions.Versions).toHaveLength(2);
  });

  it('fails on a bucket without versioning, saying so', async () => {
    const { code, io } = await publish(custodyRegisterYaml());

    expect(code).toBe(EXIT_ERROR);
    expect(io.err()).toContain('S3 returned no version id: the bucket is not versioned');
  });
});
