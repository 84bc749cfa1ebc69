/**
 * One place that builds AWS SDK clients (lib/client-pool.ts: the region, adaptive retries) and, for
 * cross-account work, credentials from assuming a role in the evaluated account. Clients and assumed-role
 * credentials are memoised for the life of a warm Lambda so repeated invocations reuse connections and sessions.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { ClientPool } from './client-pool';
import { AccessDeniedError, toCollectError } from './errors';

export {
  baseClientConfig,
  type ClientFactoryOptions,
  type ClientOptions,
  ClientPool,
  DEFAULT_MAX_ATTEMPTS,
} from './client-pool';

/** Assumed-role sessions are refreshed this long before they expire. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;

export class ClientFactory extends ClientPool {
  private readonly sessions = new Map<string, AwsCredentialIdentity>();

  /**
   * Assumes `roleArn` and returns its credentials, reusing a cached session until shortly before expiry.
   * AccessDenied becomes an AccessDeniedError that names the role, which is nearly always a missing
   * StackSet instance or a trust policy that does not name this Lambda's role.
   */
  async assumeRole(roleArn: string, sessionName: string, accountId?: string): Promise<AwsCredentialIdentity> {
    const cached = this.sessions.get(roleArn);
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > CREDENTIAL_REFRESH_MARGIN_MS) {
      return cached;
    }
    const sts = this.client(STSClient);
    try {
      const out = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64) }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new Error('AssumeRole returned no credentials');
      }
      const credentials: AwsCredentialIdentity = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      };
      this.sessions.set(roleArn, credentials);
      return credentials;
    } catch (error) {
      const wrapped = toCollectError(error, 'sts:AssumeRole', accountId);
      if (wrapped instanceof AccessDeniedError) {
        throw new AccessDeniedError(
          `Cannot assume ${roleArn}: check that the role exists in account ${accountId ?? '(unknown)'} and trusts this function's role (${wrapped.message})`,
          { action: 'sts:AssumeRole', accountId, cause: error },
        );
      }
      throw wrapped;
    }
  }
}
