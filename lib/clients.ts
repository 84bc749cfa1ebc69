/**
 * One place that builds AWS SDK clients: the region, adaptive retries and, for cross-account work,
 * credentials from assuming a role in the evaluated account. Clients and assumed-role credentials are
 * memoised for the life of a warm Lambda so repeated invocations reuse connections and sessions.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AccessDeniedError, toCollectError } from './errors';

// biome-ignore lint/suspicious/noExplicitAny: SDK client constructors each take their own config type.
type ClientConstructor<C> = new (config: any) => C;

export interface ClientFactoryOptions {
  region: string;
  /** Extra client configuration, e.g. `{ endpoint, maxAttempts: 1 }` for the local emulator in tests. */
  overrides?: Record<string, unknown>;
}

export interface ClientOptions {
  credentials?: AwsCredentialIdentity;
  region?: string;
}

/** Assumed-role sessions are refreshed this long before they expire. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** The default attempts for AWS calls; adaptive mode adds client-side rate limiting on throttling. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export function baseClientConfig(region: string): Record<string, unknown> {
  const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_MAX_ATTEMPTS,
  };
}

export class ClientFactory {
  private readonly clients = new Map<string, unknown>();
  private readonly sessions = new Map<string, AwsCredentialIdentity>();

  constructor(readonly options: ClientFactoryOptions) {}

  get region(): string {
    return this.options.region;
  }

  /** A client for `ctor`, memoised per (client type, region, credentials). */
  client<C>(ctor: ClientConstructor<C>, opts: ClientOptions = {}): C {
    const region = opts.region ?? this.options.region;
    const key = `${ctor.name}|${region}|${opts.credentials?.accessKeyId ?? 'default'}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = new ctor({
        ...baseClientConfig(region),
        ...this.options.overrides,
        // Explicit (assumed-role) credentials always win over the factory's defaults.
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
      });
      this.clients.set(key, client);
    }
    return client;
  }

  /**
   * A client configured like `client`'s but never memoised: a root session's, which must not outlive its
   * evaluation. `config` (credentials and the like) wins over the factory's configuration.
   */
  unshared<C>(ctor: ClientConstructor<C>, config: Record<string, unknown>): C {
    return new ctor({ ...baseClientConfig(this.options.region), ...this.options.overrides, ...config });
  }

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
