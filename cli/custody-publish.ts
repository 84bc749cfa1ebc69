/**
 * `rootguard custody publish`: uploads the validated register, as JSON, to the tooling account's register bucket,
 * where the root-backup-mfa rule and the alert path read it (they validate it again with the same schema,
 * lib/custody-register.ts, and never read YAML). Loaded only by that command, so `custody check|diff --facts`
 * never load the AWS SDK.
 *
 * The object is encrypted at rest on every write (SSE-S3, or SSE-KMS with --kms-key-id) rather than trusting the
 * bucket default alone, and carries the sha256 of the YAML it was made from, so an auditor can tie the object a
 * rule read (by its version id) to a commit of the governance team's repository.
 *
 * With --ledger-table, the same register also goes where the root activity alert reads it: one item per account
 * and a pointer, in the ledger table (lib/custody-register-items.ts), after the S3 object.
 */
import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { custodyItems } from '../lib/custody-register-items';
import type { CustodyRegister } from '../lib/custody-register-types';
import { documentClient } from '../lib/document-client';
import { awsCall } from '../lib/errors';
import { CliError } from './errors';

/** User metadata (x-amz-meta-source-sha256): the sha256 of the YAML source, hex. */
export const SOURCE_SHA256_METADATA = 'source-sha256';

export interface PublishRequest {
  bucket: string;
  key: string;
  register: CustodyRegister;
  /** The YAML text the register was read from. */
  sourceText: string;
  /** SSE-KMS with this key (id, ARN or alias); otherwise SSE-S3 (AES256). */
  kmsKeyId?: string;
  /** The account that must own the bucket (S3 refuses the write otherwise). */
  expectedBucketOwner?: string;
}

export interface PublishResult {
  location: string;
  versionId: string;
  sourceSha256: string;
  serverSideEncryption: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The JSON form of the register, as stored. */
function registerJson(register: CustodyRegister): string {
  return `${JSON.stringify(register, null, 2)}\n`;
}

export async function publishCustodyRegister(s3: S3Client, request: PublishRequest): Promise<PublishResult> {
  const location = `s3://${request.bucket}/${request.key}`;
  const sourceSha256 = sha256Hex(request.sourceText);
  const out = await awsCall('s3:PutObject', request.expectedBucketOwner, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        Body: registerJson(request.register),
        ContentType: 'application/json',
        ...(request.kmsKeyId
          ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: request.kmsKeyId }
          : { ServerSideEncryption: 'AES256' }),
        Metadata: { [SOURCE_SHA256_METADATA]: sourceSha256 },
        ...(request.expectedBucketOwner ? { ExpectedBucketOwner: request.expectedBucketOwner } : {}),
      }),
    ),
  );
  if (!out.VersionId || out.VersionId === 'null') {
    // The write happened, but an unversioned bucket keeps no history: a rule's reading could not be tied to
    // what was published, and an overwrite could not be undone.
    throw new CliError(
      `published ${location}, but S3 returned no version id: the bucket is not versioned. Enable versioning ` +
        `(aws s3api put-bucket-versioning --bucket ${request.bucket} --versioning-configuration Status=Enabled) ` +
        'or publish to the register bucket rootguard deploys',
    );
  }
  return {
    location,
    versionId: out.VersionId,
    sourceSha256,
    serverSideEncryption: out.ServerSideEncryption ?? (request.kmsKeyId ? 'aws:kms' : 'AES256'),
  };
}

/**
 * Writes the register into the ledger table for the alert: every account's item, then the pointer naming this
 * register's digest (the YAML's sha256), so the alert never pairs the new pointer with a missing account item.
 * Items of accounts dropped from the register stay, under an older digest, and the alert reads them as absent.
 */
export async function publishCustodyToLedger(
  dynamodb: DynamoDBClient,
  table: string,
  register: CustodyRegister,
  sourceSha256: string,
  publishedAt: Date,
): Promise<{ accounts: number }> {
  const { accounts, pointer } = custodyItems(register, sourceSha256, publishedAt.toISOString());
  const put = (Item: Record<string, unknown>) =>
    awsCall('dynamodb:PutItem', undefined, () =>
      documentClient(dynamodb).send(new PutCommand({ TableName: table, Item })),
    );
  for (const item of accounts) await put(item);
  await put(pointer);
  return { accounts: accounts.length };
}
