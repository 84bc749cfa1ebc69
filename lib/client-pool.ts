/**
 * One place that builds AWS SDK clients: the region and adaptive retries, one client per (type, region,
 * credentials) for the life of a warm Lambda so repeated invocations reuse connections. It assumes no role:
 * lib/clients.ts's ClientFactory adds that (and the STS client), so a function that never assumes a role (the
 * root activity alert) does not carry STS in its zip.
 */
import type { AwsCredentialIdentity } from '@smithy/types';

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

export class ClientPool {
  private readonly clients = new Map<string, unknown>();

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
}
